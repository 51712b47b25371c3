package io.slipway.signing.release;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import java.util.Objects;

/**
 * Decides whether a device may install a release given the one it runs: never an older release of
 * its fleet, unless a release manager pinned exactly that release. Stateless.
 */
public final class RollbackGuard {

  private RollbackGuard() {}

  /**
   * Checks that {@code candidate} may replace the installed release. A release with the installed
   * sequence or a later one passes. An older one passes only with {@code verifiedPin} naming this
   * fleet, the candidate's sequence and digest, and this device or no device.
   *
   * @param candidate the verified release document to install
   * @param fleet the device's fleet
   * @param deviceUuid the device
   * @param installedSequence the installed release's sequence, or 0 when none is installed
   * @param verifiedPin a pin that {@link PinDocument#verify} returned, or null
   * @throws VerificationException with {@code SUBJECT_MISMATCH} when the release is of another
   *     fleet, or {@code ROLLBACK} naming both sequences and what the pin lacks
   */
  public static void check(
      ReleaseDocument candidate,
      String fleet,
      String deviceUuid,
      long installedSequence,
      PinDocument verifiedPin) {
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(fleet, "fleet");
    Objects.requireNonNull(deviceUuid, "deviceUuid");
    if (installedSequence < 0) {
      throw new IllegalArgumentException(
          "Installed sequence " + installedSequence + " is negative; pass 0 when none");
    }
    if (!candidate.fleet().equals(fleet)) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "Release "
              + candidate.releaseId()
              + " belongs to fleet "
              + candidate.fleet()
              + ", not to this device's fleet "
              + fleet);
    }
    if (candidate.sequence() >= installedSequence) {
      return;
    }
    String rollback =
        "Release "
            + candidate.releaseId()
            + " of "
            + fleet
            + " has sequence "
            + candidate.sequence()
            + ", older than the installed sequence "
            + installedSequence;
    if (verifiedPin == null) {
      throw rollback(rollback + ", and no signed pin allows it; pin the release to roll back");
    }
    String mismatch = pinMismatch(verifiedPin, candidate, fleet, deviceUuid);
    if (mismatch != null) {
      throw rollback(rollback + ", and the pin " + mismatch);
    }
  }

  private static String pinMismatch(
      PinDocument pin, ReleaseDocument candidate, String fleet, String deviceUuid) {
    if (!pin.fleet().equals(fleet)) {
      return "is for fleet " + pin.fleet();
    }
    if (pin.releaseSequence() != candidate.sequence()) {
      return "is for sequence " + pin.releaseSequence();
    }
    if (!pin.releaseDigest().equals(candidate.digest())) {
      return "is for release digest " + pin.releaseDigest() + ", not " + candidate.digest();
    }
    if (!pin.fleetWide() && !pin.deviceUuid().equals(deviceUuid)) {
      return "is for device " + pin.deviceUuid() + ", not " + deviceUuid;
    }
    return null;
  }

  private static VerificationException rollback(String message) {
    return new VerificationException(VerificationFailure.ROLLBACK, message);
  }
}
