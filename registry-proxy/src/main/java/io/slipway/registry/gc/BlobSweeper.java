package io.slipway.registry.gc;

import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectInfo;
import io.slipway.storage.StorageException;
import io.slipway.storage.StorageKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep phase for content-addressed objects: deletes each stored blob or manifest that the mark
 * phase did not reach and that is older than the grace cutoff.
 *
 * <p>The mark is a snapshot taken before the sweep, so a real run decides each deletion again under
 * {@link ReferenceLock#whileSweeping}: a manifest pushed since the snapshot, or a fresh link, keeps
 * the blob.
 */
final class BlobSweeper {

  private static final Logger log = LoggerFactory.getLogger(BlobSweeper.class);

  /** The result of a sweep. */
  record Sweep(int scanned, List<Digest> deleted, long bytesFreed) {}

  private final BlobStore store;
  private final RegistryMetadata metadata;
  private final ReferenceLock referenceLock;

  BlobSweeper(BlobStore store, RegistryMetadata metadata, ReferenceLock referenceLock) {
    this.store = store;
    this.metadata = metadata;
    this.referenceLock = referenceLock;
  }

  /**
   * Sweeps every object under {@link BlobLayout#BLOBS} that is not in {@code marked}; a dry run
   * only lists what it would delete.
   */
  Sweep sweep(Set<Digest> marked, Instant cutoff, boolean dryRun, long run) {
    List<StorageKey> keys;
    try (Stream<StorageKey> listed = store.list(BlobLayout.BLOBS)) {
      keys = listed.toList();
    }

    int scanned = 0;
    List<Digest> deleted = new ArrayList<>();
    long bytes = 0;
    for (StorageKey key : keys) {
      Optional<Digest> digest = digestAt(key);
      if (digest.isEmpty()) {
        log.warn(
            "Garbage collection {} skipped {}: the key is not a blob path of the registry;"
                + " delete the object by hand if nothing else uses it",
            run,
            key);
        continue;
      }
      scanned++;
      if (marked.contains(digest.get())) {
        continue;
      }

      Optional<ObjectInfo> swept =
          dryRun ? expired(digest.get(), cutoff) : deleteIfUnused(digest.get(), cutoff, run);
      if (swept.isPresent()) {
        deleted.add(digest.get());
        bytes += swept.get().size();
      }
    }
    return new Sweep(scanned, deleted, bytes);
  }

  /**
   * Deletes the blob when, under the sweep lock, no manifest names it and it is still expired;
   * returns what was deleted. A storage failure is logged and leaves the blob for the next run.
   */
  private Optional<ObjectInfo> deleteIfUnused(Digest digest, Instant cutoff, long run) {
    // Checked first without the lock, so that the fresh blobs of pushes in flight never make
    // those pushes wait for the sweep.
    if (expired(digest, cutoff).isEmpty()) {
      return Optional.empty();
    }
    try {
      return referenceLock.whileSweeping(() -> deleteLocked(digest, cutoff, run));
    } catch (StorageException e) {
      log.warn(
          "Garbage collection {} failed to delete blob {}, the next run retries: {}",
          run,
          digest,
          e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<ObjectInfo> deleteLocked(Digest digest, Instant cutoff, long run) {
    if (metadata.isReferenced(digest)) {
      return Optional.empty();
    }
    Optional<ObjectInfo> expired = expired(digest, cutoff);
    if (expired.isEmpty()) {
      return Optional.empty();
    }
    // Links go first, so a process stopped between the two steps leaves an unlinked object for
    // the next run to delete, not a link to a missing object.
    metadata.unlinkEverywhere(List.of(digest));
    store.delete(BlobLayout.blob(digest));
    log.debug(
        "Garbage collection {} deleted blob {} ({} bytes)", run, digest, expired.get().size());
    return expired;
  }

  /**
   * Returns the blob's stored object when both it and the blob's latest link are no newer than
   * {@code cutoff}. Both count: a finished upload moves its chunk into place with the chunk's own
   * time, and a push of content already stored keeps the old object, so only the link is fresh.
   */
  private Optional<ObjectInfo> expired(Digest digest, Instant cutoff) {
    Optional<ObjectInfo> stored = store.stat(BlobLayout.blob(digest));
    if (stored.isEmpty() || stored.get().modified().isAfter(cutoff)) {
      return Optional.empty();
    }
    Optional<Long> linkedAt = metadata.lastLinkedAt(digest);
    if (linkedAt.isPresent() && linkedAt.get() > cutoff.toEpochMilli()) {
      return Optional.empty();
    }
    return stored;
  }

  /** Returns the digest stored at {@code key}, or empty when the key is not where it would be. */
  private static Optional<Digest> digestAt(StorageKey key) {
    if (key.value().split("/").length != 4) {
      return Optional.empty();
    }
    try {
      Digest digest = BlobLayout.digestOf(key);
      return BlobLayout.blob(digest).equals(key) ? Optional.of(digest) : Optional.empty();
    } catch (InvalidReferenceException e) {
      return Optional.empty();
    }
  }
}
