package io.slipway.api.osimage;

import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectInfo;
import io.slipway.storage.StorageKey;
import io.slipway.storage.WriteResult;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Base OS images in the server's {@link BlobStore}: each at {@code os-images/sha256/HEX} by the
 * SHA-256 of the uploaded file, and uploads in progress at {@code os-images/tmp/UUID} until they
 * are verified. The registry's garbage collection lists only {@code blobs/} and {@code uploads/},
 * so it never deletes these keys. Safe for concurrent use.
 */
@Component
class OsImageBlobs {

  private static final Logger log = LoggerFactory.getLogger(OsImageBlobs.class);

  /** The prefix of every verified image. */
  static final StorageKey IMAGES = StorageKey.of("os-images", "sha256");

  /** The prefix of uploads being received and checked. */
  static final StorageKey UPLOADS = StorageKey.of("os-images", "tmp");

  /**
   * The minimum age of an upload under {@link #UPLOADS} that startup deletes. Servers that share
   * the store may be receiving younger ones, so those are left alone.
   */
  static final Duration ABANDONED_AFTER = Duration.ofDays(1);

  private final BlobStore blobs;
  private final Clock clock;

  OsImageBlobs(BlobStore blobs, Clock clock) {
    this.blobs = blobs;
    this.clock = clock;
    deleteAbandonedUploads();
  }

  /** Returns the key of the image whose uploaded file has SHA-256 {@code sha256}. */
  static StorageKey key(String sha256) {
    return IMAGES.resolve(sha256);
  }

  /** Returns a new key under {@link #UPLOADS} for one upload. */
  static StorageKey newUploadKey() {
    return UPLOADS.resolve(UUID.randomUUID().toString());
  }

  /**
   * Streams {@code content} to {@code key}, hashing it on the way.
   *
   * @throws io.slipway.storage.ObjectTooLargeException when it exceeds {@code maxBytes}
   */
  WriteResult write(StorageKey key, InputStream content, long maxBytes) {
    return blobs.write(key, content, maxBytes);
  }

  /** Opens the whole object at {@code key}; the caller closes the stream. */
  InputStream read(StorageKey key) {
    return blobs.read(key, 0, -1);
  }

  /** Moves a checked upload to its image key. */
  void publish(StorageKey upload, String sha256) {
    blobs.move(upload, key(sha256));
  }

  /**
   * Returns the local file that contains the image blob {@code sha256}, when the store keeps it in
   * one. The file must not be modified.
   */
  Optional<Path> localFile(String sha256) {
    return localFile(key(sha256));
  }

  /**
   * Returns the local file that contains the object at {@code key}, when the store keeps it in one.
   * The file must not be modified.
   */
  Optional<Path> localFile(StorageKey key) {
    return blobs.localFile(key);
  }

  /** Deletes the object at {@code key}; logs and keeps going when that fails. */
  void deleteQuietly(StorageKey key) {
    try {
      blobs.delete(key);
    } catch (RuntimeException e) {
      log.warn("Deleting OS image object {} failed; delete it by hand", key, e);
    }
  }

  private void deleteAbandonedUploads() {
    long cutoff = clock.millis() - ABANDONED_AFTER.toMillis();
    List<StorageKey> abandoned;
    try (Stream<StorageKey> keys = blobs.list(UPLOADS)) {
      abandoned =
          keys.filter(
                  key ->
                      blobs
                          .stat(key)
                          .map(ObjectInfo::modified)
                          .map(modified -> modified.toEpochMilli() < cutoff)
                          .orElse(false))
              .toList();
    }
    abandoned.forEach(this::deleteQuietly);
    if (!abandoned.isEmpty()) {
      log.info("Deleted {} OS image uploads that a stopped server left behind", abandoned.size());
    }
  }
}
