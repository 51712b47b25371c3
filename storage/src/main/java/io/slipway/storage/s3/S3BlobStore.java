package io.slipway.storage.s3;

import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectInfo;
import io.slipway.storage.ObjectNotFoundException;
import io.slipway.storage.ObjectTooLargeException;
import io.slipway.storage.StorageException;
import io.slipway.storage.StorageKey;
import io.slipway.storage.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} on an S3-compatible object store (AWS S3, MinIO, Ceph RGW and others),
 * through the MinIO Java client. A key {@code k} is stored as object {@code prefix/k} in one
 * bucket.
 *
 * <p>A write streams its content as a multipart upload of 16 MiB parts without knowing the size in
 * advance. S3 makes an object visible only when its upload completes, and the client aborts the
 * upload when the content fails or exceeds the limit, so no partial object is ever visible. The
 * client buffers one part in memory per write in progress.
 *
 * <p>NOTE: a process killed during an upload cannot abort it, and S3 keeps the uploaded parts,
 * invisible but billed, until a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes
 * them.
 *
 * <p>Safe for concurrent use by many threads. Close it to release the HTTP connection pool.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {

  /**
   * Multipart upload part size. S3 allows at most 10,000 parts, so one object is limited to 10,000
   * × 16 MiB = 156.25 GiB. Each write in progress buffers one part in memory.
   */
  static final long PART_SIZE_BYTES = 16L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);

  private final MinioClient client;
  private final String bucket;
  private final String namePrefix;

  /**
   * Connects to the endpoint and creates the bucket when it does not exist.
   *
   * @throws StorageException when the endpoint cannot be reached, the credentials are rejected or
   *     the bucket cannot be created
   */
  public S3BlobStore(S3Settings settings) {
    this.bucket = settings.bucket();
    this.namePrefix = settings.objectNamePrefix();
    this.client =
        MinioClient.builder()
            .endpoint(settings.endpoint().toString())
            .region(settings.region())
            .credentials(settings.accessKey(), settings.secretKey())
            .build();

    ensureBucket(settings);
    log.info(
        "S3 blob store opened: endpoint={}, bucket={}, prefix={}",
        settings.endpoint(),
        bucket,
        settings.prefix());
  }

  @Override
  public Optional<ObjectInfo> stat(StorageKey key) {
    try {
      StatObjectResponse response =
          client.statObject(StatObjectArgs.builder().bucket(bucket).object(name(key)).build());
      return Optional.of(new ObjectInfo(response.size(), response.lastModified().toInstant()));
    } catch (ErrorResponseException e) {
      if (isNoSuchKey(e)) {
        return Optional.empty();
      }
      throw failure("stat object", key, e);
    } catch (MinioException | IOException | GeneralSecurityException e) {
      throw failure("stat object", key, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The range is served by the S3 server, so only the requested bytes cross the network.
   */
  @Override
  public InputStream read(StorageKey key, long offset, long length) {
    if (offset < 0) {
      throw new IllegalArgumentException("Read offset is negative: " + offset);
    }
    if (length == 0) {
      requireExists(key);
      return InputStream.nullInputStream();
    }

    GetObjectArgs.Builder request = GetObjectArgs.builder().bucket(bucket).object(name(key));
    if (offset > 0 || length > 0) {
      request.offset(offset);
    }
    if (length > 0) {
      request.length(length);
    }

    try {
      return client.getObject(request.build());
    } catch (ErrorResponseException e) {
      if (isNoSuchKey(e)) {
        throw new ObjectNotFoundException(key);
      }
      if ("InvalidRange".equals(e.errorResponse().code())) {
        // S3 rejects a range that starts at or past the end, where the contract returns no bytes.
        return InputStream.nullInputStream();
      }
      throw failure("read object", key, e);
    } catch (MinioException | IOException | GeneralSecurityException e) {
      throw failure("read object", key, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws StorageException when reading {@code content} or the upload fails. Nothing changes at
   *     {@code key} then.
   */
  @Override
  public WriteResult write(StorageKey key, InputStream content, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes is negative: " + maxBytes);
    }

    DigestingInputStream counted = new DigestingInputStream(content, maxBytes);
    PutObjectArgs request =
        PutObjectArgs.builder().bucket(bucket).object(name(key)).stream(
                counted, -1, PART_SIZE_BYTES)
            .build();
    try {
      client.putObject(request);
    } catch (MinioException | IOException | GeneralSecurityException | RuntimeException e) {
      // RuntimeException too, because the client may wrap the stream's failure in one.
      throw writeFailure(key, counted, e);
    }

    WriteResult result = new WriteResult(counted.count(), counted.sha256Hex());
    log.debug("Stored object: key={}, size={}, sha256={}", key, result.size(), result.sha256Hex());
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>S3 has no rename, so this copies on the server and then deletes the source. A reader may see
   * the object at both keys for a moment, and a crash between the two steps leaves both. For a
   * source above 5 GiB the MinIO client (8.6) switches to a multipart server-side copy by itself.
   */
  @Override
  public void move(StorageKey source, StorageKey target) {
    if (source.equals(target)) {
      requireExists(source);
      return;
    }

    CopyObjectArgs copy =
        CopyObjectArgs.builder()
            .bucket(bucket)
            .object(name(target))
            .source(CopySource.builder().bucket(bucket).object(name(source)).build())
            .build();
    try {
      client.copyObject(copy);
    } catch (ErrorResponseException e) {
      if (isNoSuchKey(e)) {
        throw new ObjectNotFoundException(source);
      }
      throw moveFailure(source, target, e);
    } catch (MinioException | IOException | GeneralSecurityException e) {
      throw moveFailure(source, target, e);
    }

    remove(source);
  }

  /**
   * {@inheritDoc}
   *
   * <p>An S3 delete does not report whether the object existed, so this checks for it first. Two
   * concurrent deletes of the same key may therefore both return true.
   */
  @Override
  public boolean delete(StorageKey key) {
    if (stat(key).isEmpty()) {
      return false;
    }
    remove(key);
    return true;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Pages through the listing lazily, so an S3 error while paging throws a {@link
   * StorageException} from the stream. Objects whose names are not valid keys are skipped.
   */
  @Override
  public Stream<StorageKey> list(StorageKey prefix) {
    ListObjectsArgs request =
        ListObjectsArgs.builder().bucket(bucket).prefix(name(prefix) + "/").recursive(true).build();
    Iterable<Result<Item>> results = client.listObjects(request);

    return StreamSupport.stream(results.spliterator(), false)
        .map(result -> item(result, prefix))
        .filter(item -> !item.isDir())
        .map(item -> keyOf(item.objectName()))
        .flatMap(Optional::stream);
  }

  /** Closes the HTTP client's connection pool. */
  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) {
      log.warn("Failed to close the S3 client of bucket {}", bucket, e);
    }
  }

  private void ensureBucket(S3Settings settings) {
    try {
      if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        return;
      }
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      log.info("Created S3 bucket: bucket={}, endpoint={}", bucket, settings.endpoint());
    } catch (ErrorResponseException e) {
      if ("BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
        return; // Another instance created it between the check and the create.
      }
      throw bucketFailure(settings, e);
    } catch (MinioException | IOException | GeneralSecurityException | RuntimeException e) {
      throw bucketFailure(settings, e);
    }
  }

  private static StorageException bucketFailure(S3Settings settings, Exception e) {
    return new StorageException(
        "Cannot open S3 bucket '"
            + settings.bucket()
            + "' at "
            + settings.endpoint()
            + ": "
            + e
            + ". Check the endpoint, the credentials and the permission to create the bucket.",
        e);
  }

  private void remove(StorageKey key) {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(name(key)).build());
    } catch (MinioException | IOException | GeneralSecurityException e) {
      throw failure("delete object", key, e);
    }
  }

  private void requireExists(StorageKey key) {
    if (stat(key).isEmpty()) {
      throw new ObjectNotFoundException(key);
    }
  }

  private Item item(Result<Item> result, StorageKey prefix) {
    try {
      return result.get();
    } catch (MinioException | IOException | GeneralSecurityException e) {
      throw failure("list objects under", prefix, e);
    }
  }

  private Optional<StorageKey> keyOf(String objectName) {
    String relative = objectName.substring(namePrefix.length());
    try {
      return Optional.of(new StorageKey(relative));
    } catch (IllegalArgumentException e) {
      log.debug(
          "Skipping object whose name is not a valid storage key: bucket={}, object={}",
          bucket,
          objectName);
      return Optional.empty();
    }
  }

  private String name(StorageKey key) {
    return namePrefix + key.value();
  }

  private static boolean isNoSuchKey(ErrorResponseException e) {
    return "NoSuchKey".equals(e.errorResponse().code());
  }

  private StorageException failure(String action, StorageKey key, Exception e) {
    return new StorageException(
        "Failed to " + action + " '" + key + "' in S3 bucket '" + bucket + "': " + e, e);
  }

  private StorageException moveFailure(StorageKey source, StorageKey target, Exception e) {
    return new StorageException(
        "Failed to copy object '"
            + source
            + "' to '"
            + target
            + "' in S3 bucket '"
            + bucket
            + "': "
            + e
            + ". Nothing was changed.",
        e);
  }

  private StorageException writeFailure(StorageKey key, DigestingInputStream counted, Exception e) {
    if (counted.limitExceeded()) {
      return new ObjectTooLargeException(key, counted.maxBytes());
    }
    Exception sourceFailure = counted.sourceFailure();
    if (sourceFailure != null) {
      return new StorageException(
          "Failed to read the content for object '"
              + key
              + "': "
              + sourceFailure
              + ". Nothing was stored.",
          sourceFailure);
    }
    return failure("write object", key, e);
  }
}
