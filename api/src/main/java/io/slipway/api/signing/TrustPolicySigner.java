package io.slipway.api.signing;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.signing.Signer;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.keystore.SigningKeyStore;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustPolicyDocument;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Signs the server's key list as a {@link TrustPolicyDocument} whose version is the key store's
 * generation, with every key that may vouch for it (the active key and the standby keys that have
 * not expired). Devices apply it with {@code TrustUpdate.apply}. The signed list is kept until the
 * generation changes, so each change of the keys is signed once. Thread-safe; signing is
 * serialized.
 */
@Service
public class TrustPolicySigner {

  private static final Logger log = LoggerFactory.getLogger(TrustPolicySigner.class);

  /** How often a signing starts over when the keys change while it reads them. */
  private static final int ATTEMPTS = 3;

  private final SigningKeyStore keys;
  private final Clock clock;
  private volatile SignedTrustPolicy cached;

  TrustPolicySigner(SigningKeyStore keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /**
   * A signed key list.
   *
   * @param version the list's version, the key store's generation when it was signed
   * @param issuedAt when it was signed, in whole seconds
   * @param envelopeJson the DSSE envelope in JSON
   */
  record SignedTrustPolicy(long version, Instant issuedAt, byte[] envelopeJson) {

    /** Returns the strong ETag, quoted, such as {@code "tp1-7-1764921600"}. */
    String etag() {
      return "\"tp1-" + version + "-" + issuedAt.getEpochSecond() + "\"";
    }
  }

  /**
   * Returns the signed key list of the current generation, signing it when the keys changed since
   * the last call.
   *
   * @throws ApiException {@code SIGNING_KEY_UNAVAILABLE} when no key may sign (every key is
   *     retired, revoked or expired), or when the keys kept changing while they were read
   */
  public SignedTrustPolicy current() {
    SignedTrustPolicy last = cached;
    if (last != null && last.version() == keys.generation()) {
      return last;
    }
    return signCurrent();
  }

  private synchronized SignedTrustPolicy signCurrent() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long generation = keys.generation();
      SignedTrustPolicy last = cached;
      if (last != null && last.version() == generation) {
        return last;
      }
      TrustPolicy policy = keys.trustPolicy();
      List<Signer> signers = keys.trustSigners();
      // The three reads must describe one state of the store. When a change came between them,
      // read again.
      if (keys.generation() != generation) {
        continue;
      }
      SignedTrustPolicy signed = sign(generation, policy, signers);
      cached = signed;
      return signed;
    }
    throw new ApiException(
        ErrorCode.SIGNING_KEY_UNAVAILABLE,
        "The signing keys changed "
            + ATTEMPTS
            + " times while the key list was being signed; request the key list again");
  }

  private SignedTrustPolicy sign(long generation, TrustPolicy policy, List<Signer> signers) {
    if (signers.isEmpty()) {
      throw new ApiException(
          ErrorCode.SIGNING_KEY_UNAVAILABLE,
          "No signing key may sign the key list because every key is retired, revoked or"
              + " expired. An administrator generates a key with POST /api/v1/signing/keys");
    }
    TrustPolicyDocument document = TrustPolicyDocument.of(generation, clock.instant(), policy);
    Envelope envelope = document.sign(signers);
    log.info(
        "Signed key list version {} with {} keys by keys {}",
        generation,
        document.keys().size(),
        signers.stream().map(signer -> signer.hint().value()).toList());
    return new SignedTrustPolicy(generation, document.issuedAt(), EnvelopeJson.write(envelope));
  }
}
