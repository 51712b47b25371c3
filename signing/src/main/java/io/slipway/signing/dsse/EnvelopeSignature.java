package io.slipway.signing.dsse;

import io.slipway.signing.key.KeyHint;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One signature of a DSSE envelope. Immutable; the array is copied in and out.
 *
 * @param keyId the signing key's hint
 * @param signature the signature bytes (DER for ECDSA, raw for Ed25519)
 */
public record EnvelopeSignature(KeyHint keyId, byte[] signature) {

  public EnvelopeSignature {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(signature, "signature");
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EnvelopeSignature that
        && keyId.equals(that.keyId)
        && Arrays.equals(signature, that.signature);
  }

  @Override
  public int hashCode() {
    return 31 * keyId.hashCode() + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "EnvelopeSignature["
        + keyId
        + ", "
        + Base64.getEncoder().encodeToString(signature)
        + "]";
  }
}
