package io.slipway.signing.release;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleVerifier;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.state.TargetRelease;
import io.slipway.signing.state.TargetStateDocument;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.VersionedTrustPolicy;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides whether a device may install a release: the check a device runs before it pulls any
 * image. It combines what the server serves, namely the device's signed target state (already
 * verified with {@link TargetStateDocument#verify}), the release's bundle and the pin the state may
 * carry, with the key list the device holds. Stateless and thread-safe.
 */
public final class ReleaseVerifier {

  private ReleaseVerifier() {}

  /**
   * Verifies {@code releaseBundle} as the release that {@code verifiedState} names, and returns its
   * document. Its service images (index digests) are then the only images the device may run.
   *
   * <p>The checks, in order: the device holds the key list the state names or a newer one ({@link
   * TargetStateDocument#requireTrustPolicyVersion}), so a revocation that the device has not
   * fetched cannot be skipped; the bundle's DSSE envelope verifies with a key that {@code trust}
   * trusts for the document's creation time; the document is the one the state names, by digest, id
   * and sequence; it belongs to the state's fleet; and it is not older than the installed release
   * unless the state carries a verifying pin for exactly this release.
   *
   * @param releaseBundle the release's bundle, as the server or the registry served it
   * @param verifiedState the device's target state, verified beforehand
   * @param installedSequence the sequence of the release the device runs, or 0 when none
   * @param trust the keys the device trusts and the version of the key list they came from
   * @param now the device's clock
   * @return the verified release document
   * @throws VerificationException {@code STALE_TRUST_POLICY} when the state names a newer key list
   *     than {@code trust}'s; {@code UNSIGNED} when the state names no release; the bundle's and
   *     the trust policy's failures; {@code DIGEST_MISMATCH} when the document differs from the one
   *     the state names; {@code SUBJECT_MISMATCH} for another release id, sequence or fleet; the
   *     pin's failures; {@code ROLLBACK}
   */
  public static ReleaseDocument verify(
      Bundle releaseBundle,
      TargetStateDocument verifiedState,
      long installedSequence,
      VersionedTrustPolicy trust,
      Instant now) {
    Objects.requireNonNull(releaseBundle, "releaseBundle");
    Objects.requireNonNull(verifiedState, "verifiedState");
    Objects.requireNonNull(trust, "trust");
    verifiedState.requireTrustPolicyVersion(trust.version());
    TrustPolicy policy = trust.policy();

    TargetRelease target = verifiedState.target();
    if (target == null) {
      throw new VerificationException(
          VerificationFailure.UNSIGNED,
          "The target state of device " + verifiedState.deviceUuid() + " names no release");
    }

    Statement statement =
        BundleVerifier.verifyStatement(releaseBundle, ReleaseDocument.PREDICATE_TYPE, policy, now);
    ReleaseDocument document = ReleaseDocument.fromStatement(statement);
    requireNamedRelease(document, target);

    PinDocument pin =
        verifiedState.pin() == null ? null : PinDocument.verify(verifiedState.pin(), policy, now);
    RollbackGuard.check(
        document, verifiedState.fleet(), verifiedState.deviceUuid(), installedSequence, pin);
    return document;
  }

  private static void requireNamedRelease(ReleaseDocument document, TargetRelease target) {
    if (!document.digest().equals(target.releaseDigest())) {
      throw new VerificationException(
          VerificationFailure.DIGEST_MISMATCH,
          "The signed release document hashes to "
              + document.digest()
              + ", but the target state names release document "
              + target.releaseDigest());
    }
    if (document.releaseId() != target.releaseId() || document.sequence() != target.sequence()) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "The signed release is release "
              + document.releaseId()
              + " with sequence "
              + document.sequence()
              + ", but the target state names release "
              + target.releaseId()
              + " with sequence "
              + target.sequence());
    }
  }
}
