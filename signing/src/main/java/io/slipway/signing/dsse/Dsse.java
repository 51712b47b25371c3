package io.slipway.signing.dsse;

import io.slipway.signing.Signer;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.time.Instant;
import java.util.List;

/** Signs and verifies DSSE envelopes. Stateless and thread-safe. */
public final class Dsse {

  private Dsse() {}

  /** Signs {@code payload} of {@code payloadType} with {@code signer}: one signature. */
  public static Envelope sign(Signer signer, String payloadType, byte[] payload) {
    byte[] signature = signer.sign(Pae.encode(payloadType, payload));
    return new Envelope(
        payloadType, payload, List.of(new EnvelopeSignature(signer.hint(), signature)));
  }

  /**
   * Verifies {@code envelope}: its payload type must be {@code expectedType}, it must carry exactly
   * one signature, and that signature must verify with a key that {@code policy} lets vouch for
   * content signed at {@code signedAt}, judged at {@code now}. The caller parses the payload only
   * after this returns, and reads {@code signedAt} from the payload it then checks again, or passes
   * null when the payload claims no time.
   *
   * @return the key that verified the signature
   * @throws VerificationException naming the failed check: {@code SUBJECT_MISMATCH} for another
   *     payload type, {@code MALFORMED} for a count of signatures other than one, the policy's
   *     failures, or {@code BAD_SIGNATURE}
   */
  public static TrustedKey verify(
      Envelope envelope, String expectedType, TrustPolicy policy, Instant signedAt, Instant now) {
    if (!envelope.payloadType().equals(expectedType)) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "DSSE payload type is '" + envelope.payloadType() + "', expected '" + expectedType + "'");
    }
    if (envelope.signatures().size() != 1) {
      throw new VerificationException(
          VerificationFailure.MALFORMED,
          "DSSE envelope carries "
              + envelope.signatures().size()
              + " signatures; expected exactly one");
    }
    EnvelopeSignature signature = envelope.signatures().get(0);
    TrustedKey key = policy.check(signature.keyId(), signedAt, now);
    boolean valid =
        key.algorithm()
            .verify(key.publicKey(), envelope.preAuthenticationEncoding(), signature.signature());
    if (!valid) {
      throw new VerificationException(
          VerificationFailure.BAD_SIGNATURE,
          "DSSE signature by key "
              + key.hint()
              + " over the "
              + expectedType
              + " payload does not verify");
    }
    return key;
  }
}
