package io.slipway.registry.gc;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of one garbage collection run.
 *
 * @param dryRun when true, the run reports what it would delete and deletes nothing
 * @param gracePeriod how old an unreferenced blob must be before it is deleted, judged by both its
 *     stored object and its latest link into a repository. It keeps the blobs of a push in flight,
 *     which no manifest names yet. Orphaned upload objects and untagged manifests must reach the
 *     same age.
 * @param uploadExpiry how long an upload session may go without receiving a chunk before it is
 *     cancelled and its chunks deleted
 * @param deleteUntagged when true, also deletes manifests that no tag reaches: untagged, not a
 *     child of a kept index and not a referrer of a kept manifest
 */
public record GcOptions(
    boolean dryRun, Duration gracePeriod, Duration uploadExpiry, boolean deleteUntagged) {

  /**
   * One hour: an estimate with a wide margin over the time a client takes between pushing its last
   * layer and the manifest.
   */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(1);

  /** One day, so that a resumable upload survives a client that pauses overnight. */
  public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofHours(24);

  /**
   * @throws IllegalArgumentException naming the value when a duration is negative
   */
  public GcOptions {
    requireNotNegative("gracePeriod", gracePeriod);
    requireNotNegative("uploadExpiry", uploadExpiry);
  }

  /** Returns the options of a real run with the default grace period and upload expiry. */
  public static GcOptions defaults() {
    return new GcOptions(false, DEFAULT_GRACE_PERIOD, DEFAULT_UPLOAD_EXPIRY, false);
  }

  public GcOptions withDryRun(boolean dryRun) {
    return new GcOptions(dryRun, gracePeriod, uploadExpiry, deleteUntagged);
  }

  public GcOptions withGracePeriod(Duration gracePeriod) {
    return new GcOptions(dryRun, gracePeriod, uploadExpiry, deleteUntagged);
  }

  public GcOptions withUploadExpiry(Duration uploadExpiry) {
    return new GcOptions(dryRun, gracePeriod, uploadExpiry, deleteUntagged);
  }

  public GcOptions withDeleteUntagged(boolean deleteUntagged) {
    return new GcOptions(dryRun, gracePeriod, uploadExpiry, deleteUntagged);
  }

  private static void requireNotNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(
          name + " must be zero or positive, was " + value + "; give a duration such as PT1H");
    }
  }
}
