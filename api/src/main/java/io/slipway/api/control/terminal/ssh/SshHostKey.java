package io.slipway.api.control.terminal.ssh;

import io.slipway.api.config.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The gateway's EC P-256 host key, generated at first start into its file and read from there
 * afterwards, so that clients see the same host key across restarts. The file is written with mode
 * 0600 in a directory of mode 0700 from the start, never readable by others even briefly.
 */
final class SshHostKey extends SimpleGeneratorHostKeyProvider {

  SshHostKey(Path file) {
    super(file);
    setAlgorithm("EC");
    setKeySize(256);
  }

  @Override
  protected void writeKeyPair(KeyPair pair, Path file)
      throws IOException, GeneralSecurityException {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    doWriteKeyPair(NamedResource.ofName(file.toString()), pair, content);
    PrivateFiles.writePrivate(file, content.toByteArray());
  }
}
