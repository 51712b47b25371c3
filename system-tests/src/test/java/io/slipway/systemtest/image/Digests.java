package io.slipway.systemtest.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the registry's notation, {@code sha256:} followed by 64 hex digits. */
public final class Digests {

  private static final String PREFIX = "sha256:";
  private static final int BUFFER_BYTES = 1 << 20;

  private Digests() {}

  public static String sha256(byte[] content) {
    return PREFIX + HexFormat.of().formatHex(newSha256().digest(content));
  }

  /** Digests a file of any size in 1 MiB reads. */
  public static String sha256(Path file) throws IOException {
    try (InputStream input = Files.newInputStream(file)) {
      return sha256(input);
    }
  }

  /** Digests everything {@code input} yields until its end; does not close it. */
  public static String sha256(InputStream input) throws IOException {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[BUFFER_BYTES];
    for (int read = input.read(buffer); read >= 0; read = input.read(buffer)) {
      digest.update(buffer, 0, read);
    }
    return format(digest);
  }

  /** Formats a finished digest. */
  public static String format(MessageDigest digest) {
    return PREFIX + HexFormat.of().formatHex(digest.digest());
  }

  /** The hex part of {@code digest}, which names its file under {@code blobs/sha256/}. */
  public static String hex(String digest) {
    if (!digest.startsWith(PREFIX) || digest.length() != PREFIX.length() + 64) {
      throw new IllegalArgumentException(
          "Not a sha256 digest: '" + digest + "'; expected sha256: and 64 hex digits");
    }
    return digest.substring(PREFIX.length());
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }
}
