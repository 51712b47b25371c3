package io.slipway.registry.upload;

import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.metadata.UploadPart;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectTooLargeException;
import io.slipway.storage.StorageKey;
import io.slipway.storage.WriteResult;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob upload sessions: monolithic and chunked, resumable across client and server restarts.
 *
 * <p>Each chunk is stored as a whole object of its own and recorded in the database only once
 * complete, so a cut connection loses at most the chunk in flight and the session's offset always
 * names bytes that are really stored. Completing an upload checks the digest before the blob
 * becomes visible; a mismatch stores nothing.
 *
 * <p>Safe for concurrent use. Requests on the same session are serialized by an in-process lock.
 */
public final class UploadService {

  private static final Logger log = LoggerFactory.getLogger(UploadService.class);
  private static final Pattern UPLOAD_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final BlobStore store;
  private final RegistryMetadata metadata;
  private final ReferenceLock referenceLock;
  private final long maxUploadBytes;
  private final Map<String, ReentrantLock> sessionLocks = new ConcurrentHashMap<>();

  public UploadService(
      BlobStore store,
      RegistryMetadata metadata,
      ReferenceLock referenceLock,
      long maxUploadBytes) {
    this.store = store;
    this.metadata = metadata;
    this.referenceLock = referenceLock;
    this.maxUploadBytes = maxUploadBytes;
  }

  /** Opens a new session in {@code repository}. */
  public UploadStatus start(RepositoryName repository) {
    String id = UUID.randomUUID().toString();
    metadata.startUpload(id, repository);
    log.debug("Started upload {} in {}", id, repository);
    return new UploadStatus(id, repository.value(), 0);
  }

  /**
   * Returns the session's state.
   *
   * @throws RegistryException BLOB_UPLOAD_UNKNOWN when no such session exists in {@code repository}
   */
  public UploadStatus status(RepositoryName repository, String id) {
    checkSession(repository, id);
    return new UploadStatus(id, repository.value(), offset(metadata.uploadParts(id)));
  }

  /**
   * Appends a chunk. When {@code expectedStart} is not null it must equal the current offset, and
   * when {@code expectedLength} is not null the chunk must have that length.
   *
   * @throws RegistryException RANGE_INVALID when the chunk does not start at the current offset,
   *     SIZE_INVALID when its length differs from the declared one, TOO_LARGE when the upload would
   *     exceed the size limit
   */
  public UploadStatus append(
      RepositoryName repository,
      String id,
      InputStream content,
      Long expectedStart,
      Long expectedLength) {
    checkSession(repository, id);
    return withSessionLock(
        id,
        () -> {
          long offset = offset(metadata.uploadParts(id));
          if (expectedStart != null && expectedStart != offset) {
            throw new RegistryException(
                ErrorCode.RANGE_INVALID,
                "Chunk starts at byte "
                    + expectedStart
                    + " but upload "
                    + id
                    + " has "
                    + offset
                    + " bytes; resume from byte "
                    + offset,
                Map.of("offset", offset));
          }
          appendChunk(id, offset, content, expectedLength);
          return new UploadStatus(id, repository.value(), offset(metadata.uploadParts(id)));
        });
  }

  private void appendChunk(String id, long offset, InputStream content, Long expectedLength) {
    StorageKey key = BlobLayout.uploadPart(id, offset);
    WriteResult written = writeBounded(key, content, maxUploadBytes - offset, id);
    if (expectedLength != null && written.size() != expectedLength) {
      store.delete(key);
      throw new RegistryException(
          ErrorCode.SIZE_INVALID,
          "Chunk of upload "
              + id
              + " declared "
              + expectedLength
              + " bytes but carried "
              + written.size()
              + "; send the declared length");
    }
    if (written.size() == 0) {
      store.delete(key);
      return;
    }
    metadata.addUploadPart(id, new UploadPart(offset, written.size(), written.sha256Hex()));
  }

  private WriteResult writeBounded(StorageKey key, InputStream content, long limit, String id) {
    try {
      return store.write(key, content, Math.max(limit, 0));
    } catch (ObjectTooLargeException e) {
      throw new RegistryException(
          ErrorCode.TOO_LARGE,
          "Upload " + id + " exceeds the limit of " + maxUploadBytes + " bytes per blob");
    }
  }

  /**
   * Appends an optional final chunk, checks the whole blob against {@code digest}, publishes it and
   * links it into {@code repository}, then ends the session.
   *
   * @throws RegistryException DIGEST_INVALID when the content does not match {@code digest}; the
   *     session stays open so that the client can retry
   */
  public long complete(
      RepositoryName repository,
      String id,
      Digest digest,
      InputStream finalChunk,
      Long finalLength) {
    checkSession(repository, id);
    return withSessionLock(
        id,
        () -> {
          List<UploadPart> parts = metadata.uploadParts(id);
          if (finalChunk != null) {
            appendChunk(id, offset(parts), finalChunk, finalLength);
            parts = metadata.uploadParts(id);
          }
          long size = publish(repository, id, digest, parts);
          cleanUp(id);
          log.info("Pushed blob {} ({} bytes) to {}", digest, size, repository);
          return size;
        });
  }

  private long publish(
      RepositoryName repository, String id, Digest digest, List<UploadPart> parts) {
    StorageKey source = joinedContent(id, digest, parts);
    long size = offset(parts);
    return referenceLock.whileReferencing(
        () -> {
          StorageKey target = BlobLayout.blob(digest);
          if (store.stat(target).isPresent()) {
            // The same content was pushed before; keep the stored copy and drop this one.
            store.delete(source);
          } else {
            store.move(source, target);
          }
          metadata.linkBlob(repository, digest, size);
          return size;
        });
  }

  /**
   * Returns the key of an object holding the whole upload, checked against {@code digest}: the one
   * chunk itself when there is one, or all chunks joined into one new object.
   */
  private StorageKey joinedContent(String id, Digest digest, List<UploadPart> parts) {
    if (!digest.algorithm().equals("sha256")) {
      throw new RegistryException(
          ErrorCode.DIGEST_INVALID,
          "Uploads are verified with sha256; digest " + digest + " uses " + digest.algorithm(),
          Map.of("digest", digest.toString()));
    }
    if (parts.isEmpty()) {
      StorageKey empty = BlobLayout.uploadPart(id, 0);
      WriteResult written = store.write(empty, InputStream.nullInputStream(), 0);
      checkDigest(id, digest, written.sha256Hex(), empty);
      return empty;
    }
    if (parts.size() == 1) {
      UploadPart only = parts.get(0);
      checkDigest(id, digest, only.sha256Hex(), null);
      return BlobLayout.uploadPart(id, only.startOffset());
    }
    StorageKey joined = BlobLayout.uploadJoined(id);
    WriteResult written = store.write(joined, concatenate(id, parts), maxUploadBytes);
    checkDigest(id, digest, written.sha256Hex(), joined);
    return joined;
  }

  private InputStream concatenate(String id, List<UploadPart> parts) {
    List<InputStream> streams =
        parts.stream()
            .map(part -> store.read(BlobLayout.uploadPart(id, part.startOffset()), 0, -1))
            .toList();
    return new SequenceInputStream(Collections.enumeration(streams));
  }

  private void checkDigest(String id, Digest digest, String actualHex, StorageKey discard) {
    if (digest.hex().equals(actualHex)) {
      return;
    }
    if (discard != null) {
      store.delete(discard);
    }
    throw new RegistryException(
        ErrorCode.DIGEST_INVALID,
        "Upload "
            + id
            + " has digest sha256:"
            + actualHex
            + ", not the "
            + digest
            + " given; nothing was stored",
        Map.of("digest", digest.toString()));
  }

  /** Cancels a session and deletes its chunks. */
  public void cancel(RepositoryName repository, String id) {
    checkSession(repository, id);
    withSessionLock(
        id,
        () -> {
          cleanUp(id);
          log.info("Cancelled upload {} in {}", id, repository);
          return null;
        });
  }

  /** Deletes a session's chunks and records; used also for expired sessions. */
  public void cleanUp(String id) {
    metadata.deleteUpload(id);
    try (var keys = store.list(BlobLayout.upload(id))) {
      keys.forEach(store::delete);
    }
    sessionLocks.remove(id);
  }

  private void checkSession(RepositoryName repository, String id) {
    boolean known =
        UPLOAD_ID.matcher(id).matches()
            && metadata
                .uploadRepository(id)
                .filter(owner -> owner.equals(repository.value()))
                .isPresent();
    if (!known) {
      throw new RegistryException(
          ErrorCode.BLOB_UPLOAD_UNKNOWN,
          "Upload '" + id + "' is not known in repository " + repository + "; start a new upload");
    }
  }

  private <T> T withSessionLock(String id, Supplier<T> action) {
    ReentrantLock lock = sessionLocks.computeIfAbsent(id, key -> new ReentrantLock());
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private static long offset(List<UploadPart> parts) {
    return parts.isEmpty() ? 0 : parts.get(parts.size() - 1).endOffset();
  }
}
