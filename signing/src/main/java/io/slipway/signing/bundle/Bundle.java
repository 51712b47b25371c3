package io.slipway.signing.bundle;

import io.slipway.signing.VerificationException;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.KeyHint;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A Sigstore bundle v0.3 whose verification material is a public-key hint: either a DSSE envelope
 * (images, releases) or a message signature (files). Bundles with certificates or transparency-log
 * entries only, as keyless signing writes them, are outside this model. Immutable and thread-safe.
 *
 * <p>The JSON form follows the protobuf-specs bundle schema in protobuf's JSON mapping, the form
 * that Sigstore's verifiers read.
 */
public final class Bundle {

  /** The media type of a v0.3 bundle in JSON. */
  public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  private final KeyHint hint;
  private final Envelope envelope;
  private final MessageSignature messageSignature;

  private Bundle(KeyHint hint, Envelope envelope, MessageSignature messageSignature) {
    this.hint = Objects.requireNonNull(hint, "hint");
    this.envelope = envelope;
    this.messageSignature = messageSignature;
  }

  /**
   * A signature over a file's bytes, with the file's SHA-256. Immutable; arrays are copied in and
   * out.
   *
   * @param sha256 the 32-byte SHA-256 of the signed file
   * @param signature the signature over the file (DER for ECDSA, raw 64 bytes for Ed25519)
   */
  public record MessageSignature(byte[] sha256, byte[] signature) {

    /**
     * @throws IllegalArgumentException when the digest is not 32 bytes or the signature is empty
     */
    public MessageSignature {
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(signature, "signature");
      if (sha256.length != 32) {
        throw new IllegalArgumentException(
            "A message signature's SHA-256 has 32 bytes, not " + sha256.length);
      }
      if (signature.length == 0) {
        throw new IllegalArgumentException("A message signature needs signature bytes");
      }
      sha256 = sha256.clone();
      signature = signature.clone();
    }

    @Override
    public byte[] sha256() {
      return sha256.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /** Returns the signed file's digest in OCI form, {@code sha256:} and lower-case hex. */
    public String digest() {
      return "sha256:" + HexFormat.of().formatHex(sha256);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof MessageSignature that
          && Arrays.equals(sha256, that.sha256)
          && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(sha256) + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return "MessageSignature["
          + digest()
          + ", "
          + Base64.getEncoder().encodeToString(signature)
          + "]";
    }
  }

  /**
   * Makes a bundle of a DSSE envelope signed by the key with {@code hint}.
   *
   * @throws IllegalArgumentException when the envelope does not carry exactly one signature, or its
   *     key id is not {@code hint}: the bundle format allows one signature, whose key id must match
   *     the bundle's hint
   */
  public static Bundle ofEnvelope(KeyHint hint, Envelope envelope) {
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(envelope, "envelope");
    if (envelope.signatures().size() != 1) {
      throw new IllegalArgumentException(
          "A bundle's DSSE envelope carries exactly one signature, not "
              + envelope.signatures().size());
    }
    KeyHint keyId = envelope.signatures().get(0).keyId();
    if (!keyId.equals(hint)) {
      throw new IllegalArgumentException(
          "The DSSE signature's key id " + keyId + " differs from the bundle's key hint " + hint);
    }
    return new Bundle(hint, envelope, null);
  }

  /**
   * Makes a bundle of a signature over a file's bytes, made by the key with {@code hint}.
   *
   * @param sha256 the file's 32-byte SHA-256
   * @throws IllegalArgumentException when the digest is not 32 bytes or the signature is empty
   */
  public static Bundle ofMessage(KeyHint hint, byte[] sha256, byte[] signature) {
    return new Bundle(hint, null, new MessageSignature(sha256, signature));
  }

  /**
   * Parses a bundle's JSON.
   *
   * @throws VerificationException with {@code MALFORMED}, naming the field at fault, when the bytes
   *     are not a v0.3 bundle with a public-key hint and one signature; bundles with certificates
   *     or with transparency-log entries in place of a key are rejected this way too
   */
  public static Bundle parse(byte[] json) {
    return BundleJson.read(json);
  }

  /** Returns the bundle as compact JSON, UTF-8. */
  public byte[] toJson() {
    return BundleJson.write(this);
  }

  /** Returns the hint of the key that made the signature. */
  public KeyHint hint() {
    return hint;
  }

  /** Returns the DSSE envelope, present when the bundle signs a statement or other document. */
  public Optional<Envelope> envelope() {
    return Optional.ofNullable(envelope);
  }

  /** Returns the message signature, present when the bundle signs a file's bytes. */
  public Optional<MessageSignature> messageSignature() {
    return Optional.ofNullable(messageSignature);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bundle that
        && hint.equals(that.hint)
        && Objects.equals(envelope, that.envelope)
        && Objects.equals(messageSignature, that.messageSignature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hint, envelope, messageSignature);
  }

  @Override
  public String toString() {
    return "Bundle["
        + hint
        + ", "
        + (envelope != null ? envelope.toString() : messageSignature.toString())
        + "]";
  }
}
