package io.slipway.signing.dsse;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A DSSE envelope: a payload, its type, and signatures over their pre-authentication encoding.
 * Immutable; the payload array is copied in and out.
 *
 * @param payloadType the payload's media type, such as {@code application/vnd.in-toto+json}
 * @param payload the exact signed bytes
 * @param signatures the signatures, at least one
 */
public record Envelope(String payloadType, byte[] payload, List<EnvelopeSignature> signatures) {

  /**
   * @throws IllegalArgumentException when the payload type is blank or there is no signature
   */
  public Envelope {
    if (payloadType == null || payloadType.isBlank()) {
      throw new IllegalArgumentException(
          "DSSE payload type is missing; give the payload's media type");
    }
    Objects.requireNonNull(payload, "payload");
    payload = payload.clone();
    signatures = List.copyOf(signatures);
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException(
          "DSSE envelope of type " + payloadType + " has no signature");
    }
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns the bytes the signatures cover. */
  public byte[] preAuthenticationEncoding() {
    return Pae.encode(payloadType, payload);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Envelope that
        && payloadType.equals(that.payloadType)
        && Arrays.equals(payload, that.payload)
        && signatures.equals(that.signatures);
  }

  @Override
  public int hashCode() {
    return Objects.hash(payloadType, Arrays.hashCode(payload), signatures);
  }

  @Override
  public String toString() {
    return "Envelope[" + payloadType + ", " + payload.length + " bytes, " + signatures + "]";
  }
}
