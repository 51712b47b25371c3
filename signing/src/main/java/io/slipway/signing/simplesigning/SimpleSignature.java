package io.slipway.signing.simplesigning;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A simple-signing payload and the signature over its exact bytes, as cosign's classic tag layout
 * stores them: the payload as a layer, the signature as that layer's annotation. Immutable; arrays
 * are copied in and out.
 *
 * @param payload the simple-signing JSON, UTF-8
 * @param signature the signature over {@code payload} (DER for ECDSA, raw 64 bytes for Ed25519)
 */
public record SimpleSignature(byte[] payload, byte[] signature) {

  public SimpleSignature {
    payload = Objects.requireNonNull(payload, "payload").clone();
    signature = Objects.requireNonNull(signature, "signature").clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * Returns the signature in standard base64, the value of the {@value
   * SimpleSigning#SIGNATURE_ANNOTATION} annotation.
   */
  public String signatureBase64() {
    return Base64.getEncoder().encodeToString(signature);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SimpleSignature that
        && Arrays.equals(payload, that.payload)
        && Arrays.equals(signature, that.signature);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(payload) + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SimpleSignature["
        + new String(payload, StandardCharsets.UTF_8)
        + ", "
        + signatureBase64()
        + "]";
  }
}
