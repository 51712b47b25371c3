package io.slipway.signing.bundle;

import io.slipway.signing.Signer;
import io.slipway.signing.SigningException;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.intoto.Statement;
import java.nio.file.Path;
import java.util.Objects;

/** Signs in-toto statements and files into Sigstore bundles. Stateless and thread-safe. */
public final class BundleSigner {

  private BundleSigner() {}

  /**
   * Signs {@code statement} as a DSSE envelope of payload type {@link Statement#PAYLOAD_TYPE} over
   * its canonical JSON.
   *
   * @throws SigningException when the signer fails
   */
  public static Bundle signStatement(Signer signer, Statement statement) {
    Objects.requireNonNull(statement, "statement");
    Envelope envelope = Dsse.sign(signer, Statement.PAYLOAD_TYPE, statement.toJson());
    return Bundle.ofEnvelope(signer.hint(), envelope);
  }

  /**
   * Signs {@code content} as a message signature: its SHA-256 and a signature over the bytes.
   *
   * @throws SigningException when the signer fails
   */
  public static Bundle signFile(Signer signer, byte[] content) {
    Objects.requireNonNull(content, "content");
    byte[] sha256 = Contents.sha256(content);
    return Bundle.ofMessage(signer.hint(), sha256, signer.sign(content));
  }

  /**
   * Signs the file at {@code file} as a message signature. The file is read once to hash it; a
   * signer that signs digests (ECDSA P-256) never needs the whole file in memory.
   *
   * @throws SigningException naming the file when it cannot be read, or when the signer fails
   */
  public static Bundle signFile(Signer signer, Path file) {
    Objects.requireNonNull(file, "file");
    byte[] sha256 = Contents.sha256(file);
    byte[] signature =
        signer.signDigest(sha256).orElseGet(() -> signer.sign(Contents.readAll(file, "sign it")));
    return Bundle.ofMessage(signer.hint(), sha256, signature);
  }
}
