package io.slipway.registry.gc;

import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.upload.UploadService;
import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectInfo;
import io.slipway.storage.StorageKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep phase for uploads: cancels sessions that received nothing for longer than the upload
 * expiry, and deletes directories under {@link BlobLayout#UPLOADS} whose session is gone, such as
 * those a server stopped in the middle of cleaning up.
 *
 * <p>Upload ids are random and a session is recorded before its first chunk is stored, so an upload
 * directory without a session belongs to a finished one and never to a push in flight.
 */
final class UploadSweeper {

  private static final Logger log = LoggerFactory.getLogger(UploadSweeper.class);

  private final BlobStore store;
  private final RegistryMetadata metadata;
  private final UploadService uploads;

  UploadSweeper(BlobStore store, RegistryMetadata metadata, UploadService uploads) {
    this.store = store;
    this.metadata = metadata;
    this.uploads = uploads;
  }

  /**
   * Expires sessions idle since before {@code expiryCutoff} and removes orphaned upload directories
   * whose objects are all no newer than {@code graceCutoff}; returns how many of both were removed,
   * or would be in a dry run.
   */
  int sweep(Instant expiryCutoff, Instant graceCutoff, boolean dryRun, long run) {
    return expireSessions(expiryCutoff, dryRun, run) + removeOrphans(graceCutoff, dryRun, run);
  }

  private int expireSessions(Instant cutoff, boolean dryRun, long run) {
    List<String> stale = metadata.staleUploads(cutoff.toEpochMilli());
    if (dryRun) {
      return stale.size();
    }
    // NOTE: a client that resumes a session at the moment it expires may store one more chunk.
    // That chunk is then an orphan, and a later run removes it.
    for (String id : stale) {
      uploads.cleanUp(id);
      log.debug("Garbage collection {} expired upload {}", run, id);
    }
    return stale.size();
  }

  private int removeOrphans(Instant cutoff, boolean dryRun, long run) {
    Map<String, List<StorageKey>> byUpload;
    try (Stream<StorageKey> listed = store.list(BlobLayout.UPLOADS)) {
      byUpload =
          listed.collect(
              Collectors.groupingBy(
                  key -> key.value().split("/")[1], LinkedHashMap::new, Collectors.toList()));
    }

    int removed = 0;
    for (Map.Entry<String, List<StorageKey>> upload : byUpload.entrySet()) {
      String id = upload.getKey();
      if (metadata.uploadRepository(id).isPresent() || !allExpired(upload.getValue(), cutoff)) {
        continue;
      }
      if (!dryRun) {
        upload.getValue().forEach(store::delete);
        log.debug("Garbage collection {} removed orphaned upload directory {}", run, id);
      }
      removed++;
    }
    return removed;
  }

  private boolean allExpired(List<StorageKey> keys, Instant cutoff) {
    for (StorageKey key : keys) {
      Optional<ObjectInfo> stored = store.stat(key);
      if (stored.isPresent() && stored.get().modified().isAfter(cutoff)) {
        return false;
      }
    }
    return true;
  }
}
