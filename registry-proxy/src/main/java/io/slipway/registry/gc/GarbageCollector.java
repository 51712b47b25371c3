package io.slipway.registry.gc;

import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.upload.UploadService;
import io.slipway.storage.BlobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes blobs that no manifest names, by mark and sweep, while pushes go on. Get one from {@link
 * io.slipway.registry.Registry#garbageCollector()}.
 *
 * <p>A run has three steps:
 *
 * <ol>
 *   <li>Mark: the digest of every stored manifest and of every blob and child manifest it names,
 *       across all repositories. A manifest stays until a client deletes it, tagged or not, since
 *       it is still addressable by digest; {@link GcOptions#deleteUntagged()} changes that (see
 *       {@link ManifestMarker}).
 *   <li>Sweep blobs: every object under {@link BlobLayout#BLOBS} that is not marked, and whose
 *       stored object and latest repository link are both older than the grace period, loses its
 *       links in every repository and then its object.
 *   <li>Sweep uploads: sessions idle for longer than the upload expiry are cancelled, and upload
 *       directories without a session that are older than the grace period are deleted.
 * </ol>
 *
 * <p>Why this is safe while pushes are in flight: a client pushes layers before the manifest that
 * names them, so for a while those blobs are linked but unmarked. The grace period keeps them,
 * because their link is fresh. What the grace period cannot cover, a manifest pushed between the
 * mark and the delete, the {@link ReferenceLock} does: each deletion is decided again under its
 * exclusive side, and a manifest push checks that its blobs exist and records itself under the
 * shared side. Either the manifest is recorded first and the blob is kept, or the blob is gone
 * first and the push fails with {@code MANIFEST_BLOB_UNKNOWN}. Clients such as skopeo do not retry
 * that, so a grace period shorter than the longest push makes such pushes fail. So no stored
 * manifest names a missing blob, provided every path follows the rule under Limits. The link time
 * counts as well as the object's, because a single-chunk upload is moved into place with the time
 * its chunk was stored, and a push of content already stored keeps the old object.
 *
 * <p>Limits: every path that links a blob or records a manifest must do so under {@link
 * ReferenceLock#whileReferencing}; one that does not can leave a link to a deleted blob, which a
 * later manifest push rejects. Uploads, mounts and the pull-through cache follow it. The lock lives
 * in this JVM, so runs belong in the server process that serves the blob store, not in a separate
 * process. The object time comes from the blob store, so the registry clock must be the wall clock.
 * A dry run reads without the lock: what it lists is what a real run at that moment would delete,
 * unless a push changes the picture meanwhile.
 *
 * <p>Thread-safe. Runs are serialized: a second caller waits until the running one finishes.
 * Failures of the database or of listing the store propagate; a blob whose delete fails is logged
 * and left for the next run.
 */
public final class GarbageCollector {

  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

  private final ReentrantLock running = new ReentrantLock();
  private final AtomicLong runs = new AtomicLong();
  private final ManifestMarker marker;
  private final BlobSweeper blobs;
  private final UploadSweeper uploads;
  private final Clock clock;

  /**
   * Creates a collector over the registry's storage and metadata; {@code referenceLock} must be the
   * one that the registry's request handling holds.
   */
  public GarbageCollector(
      BlobStore store,
      RegistryMetadata metadata,
      ReferenceLock referenceLock,
      UploadService uploadService,
      Clock clock) {
    this.marker = new ManifestMarker(metadata, referenceLock);
    this.blobs = new BlobSweeper(store, metadata, referenceLock);
    this.uploads = new UploadSweeper(store, metadata, uploadService);
    this.clock = clock;
  }

  /**
   * Runs one collection, after any run in progress has finished.
   *
   * @return what the run deleted, or in a dry run what it would delete
   * @throws org.springframework.dao.DataAccessException when the database fails
   * @throws io.slipway.storage.StorageException when the blob store cannot be listed
   */
  public GcReport run(GcOptions options) {
    Objects.requireNonNull(options, "options");
    running.lock();
    try {
      return runAlone(options);
    } finally {
      running.unlock();
    }
  }

  private GcReport runAlone(GcOptions options) {
    long run = runs.incrementAndGet();
    long started = System.nanoTime();
    Instant now = clock.instant();
    Instant graceCutoff = now.minus(options.gracePeriod());
    log.info(
        "Garbage collection {} started: dryRun={}, gracePeriod={}, uploadExpiry={},"
            + " deleteUntagged={}",
        run,
        options.dryRun(),
        options.gracePeriod(),
        options.uploadExpiry(),
        options.deleteUntagged());

    ManifestMarker.Marks marks = marker.mark(options, graceCutoff, run);
    BlobSweeper.Sweep sweep = blobs.sweep(marks.digests(), graceCutoff, options.dryRun(), run);
    int uploadsRemoved =
        uploads.sweep(now.minus(options.uploadExpiry()), graceCutoff, options.dryRun(), run);

    GcReport report =
        new GcReport(
            options.dryRun(),
            marks.manifestsKept(),
            marks.manifestsDeleted(),
            sweep.scanned(),
            sweep.deleted(),
            sweep.bytesFreed(),
            uploadsRemoved,
            Duration.ofNanos(System.nanoTime() - started));
    log.info("Garbage collection {} finished. {}", run, report.summary());
    return report;
  }
}
