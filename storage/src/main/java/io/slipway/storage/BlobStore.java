package io.slipway.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A flat store of immutable objects addressed by {@link StorageKey}.
 *
 * <p>Every write is atomic: readers see either nothing or the whole object, never a partial one,
 * even when the writer crashes or its input stream fails half way. Overwriting an existing key
 * replaces it atomically.
 *
 * <p>Implementations are safe for concurrent use by many threads.
 */
public interface BlobStore {

  /**
   * Returns the size and modification time of the object at {@code key}, or empty when none exists.
   */
  Optional<ObjectInfo> stat(StorageKey key);

  /**
   * Opens the object at {@code key} for reading from {@code offset} for at most {@code length}
   * bytes, or to the end when {@code length} is negative. The caller closes the stream.
   *
   * <p>A range that runs past the end is cut at the end. An {@code offset} at or past the end, or a
   * {@code length} of 0, gives an empty stream.
   *
   * @param offset the first byte to read, counted from 0
   * @throws ObjectNotFoundException when no object exists at {@code key}
   * @throws IllegalArgumentException when {@code offset} is negative
   */
  InputStream read(StorageKey key, long offset, long length);

  /**
   * Streams {@code content} to {@code key}, computing its SHA-256 on the way, and publishes it
   * atomically when the stream ends. Nothing is visible at {@code key} if reading {@code content}
   * fails or {@code maxBytes} is exceeded. The caller closes {@code content}.
   *
   * @param maxBytes the largest accepted object, in bytes, or {@link Long#MAX_VALUE} for no limit
   * @throws ObjectTooLargeException when {@code content} is longer than {@code maxBytes}
   * @throws IllegalArgumentException when {@code maxBytes} is negative
   * @throws StorageException when reading {@code content} or the backend fails
   */
  WriteResult write(StorageKey key, InputStream content, long maxBytes);

  /**
   * Moves the object at {@code source} to {@code target}, replacing any object there. The move is
   * atomic where the backend allows it (a rename on a filesystem); elsewhere it is a copy followed
   * by a delete, and {@code target} only ever contains the complete object.
   *
   * @throws ObjectNotFoundException when no object exists at {@code source}
   */
  void move(StorageKey source, StorageKey target);

  /** Deletes the object at {@code key}; returns false when there was none. */
  boolean delete(StorageKey key);

  /**
   * Lists the keys below {@code prefix}, recursively, in no particular order. The caller closes the
   * stream. A key is below {@code a/b} when it starts with {@code a/b/}, so {@code a/b} itself and
   * {@code a/bc} are not listed.
   */
  Stream<StorageKey> list(StorageKey prefix);

  /**
   * Returns a local file holding the object, when the backend keeps it in one, so that servers can
   * send it with zero-copy transfer. The file must not be modified.
   */
  default Optional<Path> localFile(StorageKey key) {
    return Optional.empty();
  }
}
