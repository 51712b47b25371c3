package io.slipway.registry.gc;

import io.slipway.registry.reference.Digest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Outcome of one garbage collection run: what it found and deleted. A dry run fills every field the
 * same way, with what a real run at that moment would have deleted.
 *
 * @param dryRun whether the run deleted nothing
 * @param manifestsMarked manifests kept, counted once per repository that contains them. Everything
 *     they name was marked as in use.
 * @param manifestsDeleted untagged manifests deleted (or to delete); zero unless {@link
 *     GcOptions#deleteUntagged()} was set
 * @param blobsScanned content-addressed objects examined, layers and configs as well as manifests
 * @param blobsDeleted digests of the objects deleted (or to delete), in the order swept
 * @param bytesFreed total size of {@code blobsDeleted}, in bytes
 * @param uploadsExpired upload sessions expired plus orphaned upload directories removed
 * @param took wall-clock time of the run
 */
public record GcReport(
    boolean dryRun,
    int manifestsMarked,
    int manifestsDeleted,
    int blobsScanned,
    List<Digest> blobsDeleted,
    long bytesFreed,
    int uploadsExpired,
    Duration took) {

  /**
   * @throws IllegalArgumentException naming the field when a count is negative
   */
  public GcReport {
    requireNotNegative("manifestsMarked", manifestsMarked);
    requireNotNegative("manifestsDeleted", manifestsDeleted);
    requireNotNegative("blobsScanned", blobsScanned);
    requireNotNegative("bytesFreed", bytesFreed);
    requireNotNegative("uploadsExpired", uploadsExpired);
    blobsDeleted = List.copyOf(blobsDeleted);
    Objects.requireNonNull(took, "took");
  }

  /**
   * Returns one line for people, such as {@code Garbage collection: 12 manifests kept, 0 untagged
   * manifests deleted, 40 blobs scanned, 3 blobs deleted (5120 bytes), 1 upload expired, in 85 ms}.
   */
  public String summary() {
    String deleted = dryRun ? "to delete" : "deleted";
    return (dryRun ? "Garbage collection dry run: " : "Garbage collection: ")
        + manifestsMarked
        + " manifests kept, "
        + manifestsDeleted
        + " untagged manifests "
        + deleted
        + ", "
        + blobsScanned
        + " blobs scanned, "
        + blobsDeleted.size()
        + " blobs "
        + deleted
        + " ("
        + bytesFreed
        + " bytes), "
        + uploadsExpired
        + (uploadsExpired == 1 ? " upload " : " uploads ")
        + (dryRun ? "to expire" : "expired")
        + ", in "
        + took.toMillis()
        + " ms"
        + (dryRun ? "; nothing was deleted" : "");
  }

  private static void requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
  }
}
