package io.slipway.registry.blob;

import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectInfo;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads blobs that a repository may see and manages which repository may see which blob. A blob is
 * visible in a repository once it was uploaded to it or mounted into it.
 *
 * <p>Safe for concurrent use.
 */
public final class BlobService {

  private static final Logger log = LoggerFactory.getLogger(BlobService.class);

  private final BlobStore store;
  private final RegistryMetadata metadata;
  private final ReferenceLock referenceLock;

  public BlobService(BlobStore store, RegistryMetadata metadata, ReferenceLock referenceLock) {
    this.store = store;
    this.metadata = metadata;
    this.referenceLock = referenceLock;
  }

  /**
   * Returns the size of {@code digest} in {@code repository}.
   *
   * @throws RegistryException BLOB_UNKNOWN when the repository may not see it or it is gone
   */
  public long size(RepositoryName repository, Digest digest) {
    long size =
        metadata.linkedBlobSize(repository, digest).orElseThrow(() -> unknown(repository, digest));
    Optional<ObjectInfo> stored = store.stat(BlobLayout.blob(digest));
    if (stored.isEmpty()) {
      log.warn("Blob {} is linked in {} but missing from storage", digest, repository);
      throw unknown(repository, digest);
    }
    return size;
  }

  /** Returns true when {@code repository} may see {@code digest} and its content is stored. */
  public boolean exists(RepositoryName repository, Digest digest) {
    return metadata.linkedBlobSize(repository, digest).isPresent()
        && store.stat(BlobLayout.blob(digest)).isPresent();
  }

  /**
   * Opens {@code length} bytes of the blob from {@code offset}; negative length means to the end.
   */
  public InputStream open(Digest digest, long offset, long length) {
    return store.read(BlobLayout.blob(digest), offset, length);
  }

  /** Returns the local file of the blob, for zero-copy transfer, when storage keeps one. */
  public Optional<Path> localFile(Digest digest) {
    return store.localFile(BlobLayout.blob(digest));
  }

  /**
   * Makes {@code digest} visible in {@code target} when {@code source} may already see it; returns
   * false otherwise, so the client falls back to a normal upload.
   */
  public boolean mount(RepositoryName target, RepositoryName source, Digest digest) {
    // Under the shared lock, so that garbage collection cannot delete the blob between the check
    // and the new link.
    boolean mounted =
        referenceLock.whileReferencing(
            () -> {
              Optional<Long> size = metadata.linkedBlobSize(source, digest);
              if (size.isEmpty() || store.stat(BlobLayout.blob(digest)).isEmpty()) {
                return false;
              }
              metadata.linkBlob(target, digest, size.get());
              return true;
            });
    if (mounted) {
      log.info("Mounted blob {} from {} into {}", digest, source, target);
    }
    return mounted;
  }

  /**
   * Removes {@code digest} from {@code repository}. The content stays in storage until garbage
   * collection finds no other reference to it.
   *
   * @throws RegistryException BLOB_UNKNOWN when the repository did not hold it
   */
  public void delete(RepositoryName repository, Digest digest) {
    // Exclusive, so that no manifest naming this blob is recorded between the check and the
    // unlink.
    referenceLock.whileSweeping(
        () -> {
          unlinkUnreferenced(repository, digest);
          return null;
        });
    log.info("Deleted blob {} from {}", digest, repository);
  }

  private void unlinkUnreferenced(RepositoryName repository, Digest digest) {
    List<String> users = metadata.manifestsReferencing(repository, digest);
    if (!users.isEmpty()) {
      throw new RegistryException(
          ErrorCode.STILL_REFERENCED,
          "Blob "
              + digest
              + " is still named by manifest "
              + users.get(0)
              + (users.size() > 1 ? " and " + (users.size() - 1) + " more" : "")
              + " in "
              + repository
              + "; delete those manifests first",
          java.util.Map.of("digest", digest.toString()));
    }
    if (!metadata.unlinkBlob(repository, digest)) {
      throw unknown(repository, digest);
    }
  }

  private static RegistryException unknown(RepositoryName repository, Digest digest) {
    return new RegistryException(
        ErrorCode.BLOB_UNKNOWN,
        "Blob " + digest + " is not known in repository " + repository + "; push it first",
        java.util.Map.of("digest", digest.toString()));
  }
}
