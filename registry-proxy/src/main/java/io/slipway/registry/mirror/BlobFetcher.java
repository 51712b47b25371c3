package io.slipway.registry.mirror;

import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.blob.BlobService;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectInfo;
import io.slipway.storage.ObjectTooLargeException;
import io.slipway.storage.StorageException;
import io.slipway.storage.StorageKey;
import io.slipway.storage.WriteResult;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills mirrored repositories with blobs from their upstream, each digest downloaded once however
 * many requests ask for it at the same time.
 *
 * <p>A download streams into a temporary object under {@link BlobLayout#UPLOADS} through a {@link
 * VerifyingInputStream}, so content that does not match its digest makes the write fail and nothing
 * is stored. Verified content is moved to its content-addressed key and linked into the repository
 * under the shared side of the {@link ReferenceLock}, as a completed upload is.
 *
 * <p>When the content is already stored, because another repository pushed or mirrored it, it is
 * linked after a {@code HEAD} request confirms that the upstream repository has the digest too.
 * Without that check a client allowed to pull from a mirror could read any stored blob whose digest
 * it has learned.
 *
 * <p>Safe for concurrent use. Requests for the same digest wait for the one download in flight in
 * this process; the map of downloads is not shared between processes.
 */
final class BlobFetcher {

  private static final Logger log = LoggerFactory.getLogger(BlobFetcher.class);

  /** A download in flight: the repository it fills and its completion. */
  private record InFlight(RepositoryName repository, CompletableFuture<Void> done) {}

  private final BlobStore store;
  private final RegistryMetadata metadata;
  private final BlobService blobs;
  private final ReferenceLock referenceLock;
  private final long maxBlobBytes;
  private final Map<Digest, InFlight> inFlight = new ConcurrentHashMap<>();

  /**
   * @param maxBlobBytes the largest blob downloaded, in bytes
   */
  BlobFetcher(
      BlobStore store,
      RegistryMetadata metadata,
      BlobService blobs,
      ReferenceLock referenceLock,
      long maxBlobBytes) {
    this.store = store;
    this.metadata = metadata;
    this.blobs = blobs;
    this.referenceLock = referenceLock;
    this.maxBlobBytes = maxBlobBytes;
  }

  /**
   * Makes sure blob {@code digest} is stored and linked in {@code target}'s local repository.
   *
   * @throws RegistryException BLOB_UNKNOWN when the upstream repository lacks the blob,
   *     UPSTREAM_FAILED when the upstream fails or sends content that does not match the digest,
   *     TOO_LARGE when the blob exceeds the size limit
   */
  void ensure(MirroredRepository target, Digest digest) {
    while (!blobs.exists(target.local(), digest)) {
      InFlight mine = new InFlight(target.local(), new CompletableFuture<>());
      InFlight running = inFlight.putIfAbsent(digest, mine);
      if (running == null) {
        fetchAsOwner(target, digest, mine);
        return;
      }
      awaitOther(running, target, digest);
    }
  }

  private void fetchAsOwner(MirroredRepository target, Digest digest, InFlight mine) {
    try {
      // Checked again because a download may have finished between the caller's check and the
      // moment this request registered its own.
      if (!blobs.exists(target.local(), digest)) {
        fetchOrLink(target, digest);
      }
      mine.done().complete(null);
    } catch (RuntimeException e) {
      mine.done().completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(digest, mine);
    }
  }

  /**
   * Waits for another request's download. Its failure is this request's failure when both fill the
   * same repository. A download for another repository came from another upstream repository, so
   * the caller then checks again and, if the blob is still missing, fetches it itself.
   */
  private void awaitOther(InFlight running, MirroredRepository target, Digest digest) {
    try {
      running.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(
          ErrorCode.UPSTREAM_FAILED,
          "Interrupted while waiting for blob " + digest + " to arrive in " + target.local(),
          Map.of("digest", digest.toString()));
    } catch (ExecutionException e) {
      if (!running.repository().equals(target.local())) {
        return;
      }
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw upstreamFailed(target, digest, String.valueOf(e.getCause()));
    }
  }

  private void fetchOrLink(MirroredRepository target, Digest digest) {
    if (store.stat(BlobLayout.blob(digest)).isPresent()) {
      confirmUpstreamHolds(target, digest);
      if (linkStored(target.local(), digest)) {
        log.info("Linked stored blob {} into mirrored repository {}", digest, target.local());
        return;
      }
    }
    download(target, digest);
  }

  private void confirmUpstreamHolds(MirroredRepository target, Digest digest) {
    OptionalLong upstreamSize;
    try {
      upstreamSize = target.upstream().blobSize(target.upstreamName(), digest);
    } catch (UpstreamException e) {
      throw failure(target, digest, e);
    }
    Optional<ObjectInfo> stored = store.stat(BlobLayout.blob(digest));
    if (upstreamSize.isPresent()
        && stored.isPresent()
        && upstreamSize.getAsLong() != stored.get().size()) {
      throw upstreamFailed(
          target,
          digest,
          "the upstream gives "
              + upstreamSize.getAsLong()
              + " bytes but the stored blob with that digest has "
              + stored.get().size());
    }
  }

  /** Links the stored content; returns false when it vanished since it was seen. */
  private boolean linkStored(RepositoryName repository, Digest digest) {
    return referenceLock.whileReferencing(
        () -> {
          Optional<ObjectInfo> stored = store.stat(BlobLayout.blob(digest));
          stored.ifPresent(info -> metadata.linkBlob(repository, digest, info.size()));
          return stored.isPresent();
        });
  }

  private void download(MirroredRepository target, Digest digest) {
    // NOTE: a crash between the write and the move leaves the temporary object behind. It lies
    // under the uploads prefix, under a random upload id that no session record names.
    StorageKey temporary = BlobLayout.upload(UUID.randomUUID().toString()).resolve("mirrored");
    WriteResult written;
    try (UpstreamClient.Blob blob = openBlob(target, digest)) {
      checkDeclaredLength(target, digest, blob.contentLength());
      written = write(target, digest, temporary, blob);
    }
    publish(target.local(), digest, temporary, written.size());
    log.info("Fetched blob {} ({} bytes) into {}", digest, written.size(), target.describe());
  }

  private UpstreamClient.Blob openBlob(MirroredRepository target, Digest digest) {
    try {
      return target.upstream().openBlob(target.upstreamName(), digest);
    } catch (UpstreamException e) {
      throw failure(target, digest, e);
    }
  }

  private void checkDeclaredLength(
      MirroredRepository target, Digest digest, OptionalLong contentLength) {
    if (contentLength.isPresent() && contentLength.getAsLong() > maxBlobBytes) {
      throw tooLarge(target, digest);
    }
  }

  private WriteResult write(
      MirroredRepository target, Digest digest, StorageKey temporary, UpstreamClient.Blob blob) {
    VerifyingInputStream verifying = new VerifyingInputStream(blob.body(), digest);
    WriteResult written;
    try {
      written = store.write(temporary, verifying, maxBlobBytes);
    } catch (ObjectTooLargeException e) {
      throw tooLarge(target, digest);
    } catch (StorageException e) {
      if (verifying.mismatched()) {
        throw mismatch(target, digest, verifying.actualDigest());
      }
      if (verifying.upstreamFailure() != null) {
        throw upstreamFailed(
            target,
            digest,
            "the download broke off after "
                + verifying.count()
                + " bytes: "
                + verifying.upstreamFailure());
      }
      throw e;
    }
    // The stream already checked the digest. This second check catches a store that swallowed the
    // stream's failure, so that a wrong object never reaches the content-addressed key.
    if (digest.algorithm().equals("sha256") && !digest.hex().equals(written.sha256Hex())) {
      store.delete(temporary);
      throw mismatch(target, digest, new Digest("sha256", written.sha256Hex()));
    }
    return written;
  }

  private void publish(RepositoryName repository, Digest digest, StorageKey temporary, long size) {
    try {
      referenceLock.whileReferencing(
          () -> {
            StorageKey key = BlobLayout.blob(digest);
            if (store.stat(key).isPresent()) {
              // Stored meanwhile by a push or another mirror; both copies have the same content.
              store.delete(temporary);
            } else {
              store.move(temporary, key);
            }
            metadata.linkBlob(repository, digest, size);
            return null;
          });
    } catch (RuntimeException e) {
      store.delete(temporary);
      throw e;
    }
  }

  private RegistryException failure(MirroredRepository target, Digest digest, UpstreamException e) {
    if (e.notFound()) {
      return new RegistryException(
          ErrorCode.BLOB_UNKNOWN,
          "Blob " + digest + " is not in upstream repository of " + target.describe(),
          Map.of("digest", digest.toString()));
    }
    return upstreamFailed(target, digest, e.getMessage());
  }

  private RegistryException upstreamFailed(
      MirroredRepository target, Digest digest, String reason) {
    log.warn("Fetching blob {} into {} failed: {}", digest, target.describe(), reason);
    return new RegistryException(
        ErrorCode.UPSTREAM_FAILED,
        "Fetching blob " + digest + " into " + target.describe() + " failed: " + reason,
        Map.of("digest", digest.toString()));
  }

  private RegistryException mismatch(MirroredRepository target, Digest digest, Digest actual) {
    return upstreamFailed(
        target, digest, "the upstream sent content with digest " + actual + "; nothing was stored");
  }

  private RegistryException tooLarge(MirroredRepository target, Digest digest) {
    return new RegistryException(
        ErrorCode.TOO_LARGE,
        "Blob "
            + digest
            + " of "
            + target.describe()
            + " exceeds the limit of "
            + maxBlobBytes
            + " bytes; raise maxUploadBytes to mirror it",
        Map.of("digest", digest.toString()));
  }
}
