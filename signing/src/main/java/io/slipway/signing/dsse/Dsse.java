package io.slipway.signing.dsse;

import io.slipway.signing.Signer;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
   * Signs {@code payload} of {@code payloadType} with each of {@code signers}: one signature each,
   * in the order given, all over the same bytes.
   *
   * @throws IllegalArgumentException when {@code signers} is empty or names one key twice
   */
  public static Envelope signAll(
      List<? extends Signer> signers, String payloadType, byte[] payload) {
    byte[] encoded = Pae.encode(payloadType, payload);
    List<EnvelopeSignature> signatures = new ArrayList<>();
    Set<KeyHint> seen = new HashSet<>();
    for (Signer signer : signers) {
      if (!seen.add(signer.hint())) {
        throw new IllegalArgumentException("Key " + signer.hint() + " is given twice");
      }
      signatures.add(new EnvelopeSignature(signer.hint(), signer.sign(encoded)));
    }
    return new Envelope(payloadType, payload, signatures);
  }

  /**
   * Verifies an envelope that several keys may have signed, such as the server's trust policy. A
   * signature counts when {@code policy} lets its key vouch for content signed at {@code signedAt},
   * judged at {@code now}. Signatures by keys that the policy does not trust are skipped, so a
   * document signed by a new key and an old one verifies for a device that trusts only the old key.
   * At least one signature must count, and every counting signature must verify. A bad signature by
   * a trusted key rejects the envelope, because a correct signer never makes one.
   *
   * <p>Only for documents that are meant to carry several signatures: {@link #verify} keeps
   * requiring exactly one for everything else.
   *
   * @param signedAt the signing time that the payload claims, or null: then retired keys do not
   *     count
   * @return the trusted keys whose signatures verified, in the envelope's order; never empty
   * @throws VerificationException {@code SUBJECT_MISMATCH} for another payload type; {@code
   *     MALFORMED} when two signatures name the same key; {@code BAD_SIGNATURE}; or, when no
   *     signature counts, the policy's failure for the first signature ({@code UNKNOWN_KEY}, {@code
   *     KEY_REVOKED} and so on) with a message naming every signature's key
   */
  public static List<TrustedKey> verifyAnyTrusted(
      Envelope envelope, String expectedType, TrustPolicy policy, Instant signedAt, Instant now) {
    requireType(envelope, expectedType);
    List<TrustedKey> verified = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    VerificationException firstFailure = null;
    Set<KeyHint> seen = new HashSet<>();
    for (EnvelopeSignature signature : envelope.signatures()) {
      if (!seen.add(signature.keyId())) {
        throw new VerificationException(
            VerificationFailure.MALFORMED,
            "DSSE envelope of type " + expectedType + " names key " + signature.keyId() + " twice");
      }
      TrustedKey key;
      try {
        key = policy.check(signature.keyId(), signedAt, now);
      } catch (VerificationException e) {
        firstFailure = firstFailure == null ? e : firstFailure;
        skipped.add(e.getMessage());
        continue;
      }
      requireValid(envelope, expectedType, key, signature);
      verified.add(key);
    }
    if (verified.isEmpty()) {
      throw new VerificationException(
          firstFailure.failure(),
          "None of the "
              + envelope.signatures().size()
              + " signatures over the "
              + expectedType
              + " payload is by a key trusted now: "
              + String.join("; ", skipped));
    }
    return verified;
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
    requireType(envelope, expectedType);
    if (envelope.signatures().size() != 1) {
      throw new VerificationException(
          VerificationFailure.MALFORMED,
          "DSSE envelope carries "
              + envelope.signatures().size()
              + " signatures; expected exactly one");
    }
    EnvelopeSignature signature = envelope.signatures().get(0);
    TrustedKey key = policy.check(signature.keyId(), signedAt, now);
    requireValid(envelope, expectedType, key, signature);
    return key;
  }

  private static void requireType(Envelope envelope, String expectedType) {
    if (!envelope.payloadType().equals(expectedType)) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "DSSE payload type is '" + envelope.payloadType() + "', expected '" + expectedType + "'");
    }
  }

  private static void requireValid(
      Envelope envelope, String expectedType, TrustedKey key, EnvelopeSignature signature) {
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
  }
}
