package io.slipway.api.signature;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One signature of cosign's classic layout: a simple-signing payload and the base64 DER signature
 * over it, as one layer of the {@code sha256-HEX.sig} manifest carries them. Immutable; the array
 * is copied in and out.
 *
 * @param payload the simple-signing JSON, exactly as stored in the layer's blob
 * @param signatureBase64 the signature over {@code payload}, standard base64 with padding
 */
public record ClassicSignature(byte[] payload, String signatureBase64) {

  /**
   * @throws IllegalArgumentException when the payload is empty or the signature is not base64
   */
  public ClassicSignature {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signatureBase64, "signatureBase64");
    if (payload.length == 0) {
      throw new IllegalArgumentException("A classic signature needs a non-empty payload");
    }
    requireBase64(signatureBase64);
    payload = payload.clone();
  }

  /** Returns a copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns the decoded signature. */
  public byte[] signature() {
    return Base64.getDecoder().decode(signatureBase64);
  }

  /**
   * Checks that {@code signatureBase64} is standard base64 of at least one byte.
   *
   * @throws IllegalArgumentException naming the value when it is not
   */
  static void requireBase64(String signatureBase64) {
    try {
      if (Base64.getDecoder().decode(signatureBase64).length > 0) {
        return;
      }
    } catch (IllegalArgumentException e) {
      // Reported below with the value.
    }
    throw new IllegalArgumentException(
        "Signature '" + signatureBase64 + "' is not standard base64 of a DER signature");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ClassicSignature that
        && Arrays.equals(payload, that.payload)
        && signatureBase64.equals(that.signatureBase64);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(payload) + signatureBase64.hashCode();
  }

  @Override
  public String toString() {
    return "ClassicSignature[" + payload.length + " bytes, signature " + signatureBase64 + "]";
  }
}
