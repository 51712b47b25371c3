package io.slipway.api.delta;

import io.slipway.delta.image.Digest;
import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectInfo;
import io.slipway.storage.StorageKey;
import io.slipway.storage.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Delta payloads in the server's {@link BlobStore}, each at {@code deltas/sha256/HEX} by its
 * digest. The registry's garbage collection lists only {@code blobs/} and {@code uploads/}, so it
 * never sees these keys. Safe for concurrent use.
 */
@Component
class DeltaPayloads {

  /** The prefix of every payload key. */
  static final StorageKey PREFIX = StorageKey.of("deltas", "sha256");

  private final BlobStore blobs;

  DeltaPayloads(BlobStore blobs) {
    this.blobs = blobs;
  }

  /** Returns the key of the payload {@code digest}. */
  static StorageKey key(Digest digest) {
    return PREFIX.resolve(digest.hex());
  }

  /**
   * Returns the digest a payload key names, or empty for a key under {@link #PREFIX} that is not a
   * payload, such as a temporary object of the store.
   */
  static Optional<Digest> digestOf(StorageKey key) {
    try {
      return Optional.of(Digest.of("sha256:" + key.name()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Stores the payload in {@code file}, whose digest the caller computed as {@code digest}, and
   * checks that the store hashed the same bytes.
   *
   * @throws IllegalStateException naming both digests when the store read other bytes
   * @throws IOException when reading the file fails
   */
  void store(Path file, Digest digest) throws IOException {
    WriteResult written;
    try (InputStream content = Files.newInputStream(file)) {
      written = blobs.write(key(digest), content, Long.MAX_VALUE);
    }
    if (!written.sha256Hex().equals(digest.hex())) {
      blobs.delete(key(digest));
      throw new IllegalStateException(
          "Delta payload "
              + digest
              + " was stored as sha256:"
              + written.sha256Hex()
              + "; the scratch file changed while it was written");
    }
  }

  /** Returns the size and age of the stored payload {@code digest}, or empty when it is absent. */
  Optional<ObjectInfo> stat(Digest digest) {
    return blobs.stat(key(digest));
  }

  /**
   * Opens {@code length} bytes of the payload {@code digest} from {@code offset}.
   *
   * @throws io.slipway.storage.ObjectNotFoundException when it is absent
   */
  InputStream read(Digest digest, long offset, long length) {
    return blobs.read(key(digest), offset, length);
  }

  /** Deletes the payload {@code digest}; returns false when it was absent. */
  boolean delete(Digest digest) {
    return blobs.delete(key(digest));
  }

  /** Lists every stored payload key. The caller closes the stream. */
  Stream<StorageKey> list() {
    return blobs.list(PREFIX);
  }

  /** Returns the size and age of the object at {@code key}, or empty when it is absent. */
  Optional<ObjectInfo> stat(StorageKey key) {
    return blobs.stat(key);
  }
}
