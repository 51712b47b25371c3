package io.slipway.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.messages.Upload;
import io.slipway.storage.BlobStore;
import io.slipway.storage.BlobStoreContract;
import io.slipway.storage.ObjectTooLargeException;
import io.slipway.storage.StorageException;
import io.slipway.storage.StorageKey;
import io.slipway.storage.TestContent;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the contract against a real S3 server: S3Proxy on a free loopback port, keeping objects in a
 * temporary directory. Each test gets its own key prefix in one shared bucket.
 */
class S3BlobStoreIT extends BlobStoreContract {

  private static final String ACCESS_KEY = "slipway-test";
  private static final String SECRET_KEY = "slipway-test-secret";
  private static final String BUCKET = "slipway-test";

  @TempDir static Path s3Directory;

  private static S3Proxy s3Proxy;
  private static URI endpoint;

  private String prefix;
  private S3BlobStore store;

  @BeforeAll
  static void startS3Server() throws Exception {
    Path objects = Files.createDirectories(s3Directory.resolve("objects"));
    s3Proxy =
        S3Proxy.builder()
            .blobStore(new FilesystemNio2BlobStore(objects.toString()))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    s3Proxy.start();
    awaitStarted();
    endpoint = URI.create("http://127.0.0.1:" + s3Proxy.getPort());
  }

  private static void awaitStarted() throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!"STARTED".equals(s3Proxy.getState())) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("S3Proxy did not start: state " + s3Proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  @AfterAll
  static void stopS3Server() throws Exception {
    if (s3Proxy != null) {
      s3Proxy.stop();
    }
  }

  private static S3Settings settings(String bucket, String prefix) {
    return new S3Settings(endpoint, "us-east-1", bucket, ACCESS_KEY, SECRET_KEY, prefix);
  }

  @BeforeEach
  void openStore() {
    prefix = "test-" + UUID.randomUUID();
    store = new S3BlobStore(settings(BUCKET, prefix));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Override
  protected BlobStore store() {
    return store;
  }

  @Test
  void localFileIsEmpty() {
    StorageKey key = new StorageKey("blobs/a");
    store.write(key, new ByteArrayInputStream(new byte[] {1, 2, 3}), 10);

    assertThat(store.localFile(key)).isEmpty();
  }

  @Test
  void failedLargeWriteLeavesNoPendingUpload() throws Exception {
    StorageKey key = new StorageKey("blobs/aborted");
    long failAfter = 3 * S3BlobStore.PART_SIZE_BYTES + 5;

    assertThatThrownBy(
            () -> store.write(key, TestContent.failingAfter(failAfter, 1), failAfter * 2))
        .isInstanceOf(StorageException.class);

    assertThat(pendingUploads()).isEmpty();
  }

  @Test
  void tooLargeWriteLeavesNoPendingUpload() throws Exception {
    StorageKey key = new StorageKey("blobs/aborted");
    long maxBytes = 2 * S3BlobStore.PART_SIZE_BYTES + 5;

    assertThatThrownBy(() -> store.write(key, TestContent.stream(maxBytes + 1, 2), maxBytes))
        .isInstanceOf(ObjectTooLargeException.class);

    assertThat(pendingUploads()).isEmpty();
  }

  /**
   * Lists the multipart uploads under this test's prefix that were neither completed nor aborted.
   */
  private List<Upload> pendingUploads() throws Exception {
    try (MinioAsyncClient client = rawAsyncClient()) {
      return client
          .listMultipartUploadsAsync(
              BUCKET, null, null, null, null, 1000, prefix + "/", null, null, null)
          .get(30, TimeUnit.SECONDS)
          .result()
          .uploads();
    }
  }

  @Test
  void objectIsStoredUnderPrefix() throws Exception {
    S3Settings settings = settings(BUCKET, "fleet-" + UUID.randomUUID());
    try (S3BlobStore prefixed = new S3BlobStore(settings);
        MinioClient client = rawClient()) {
      prefixed.write(new StorageKey("blobs/a"), new ByteArrayInputStream(new byte[7]), 10);

      long size =
          client
              .statObject(
                  StatObjectArgs.builder()
                      .bucket(BUCKET)
                      .object(settings.prefix() + "/blobs/a")
                      .build())
              .size();
      assertThat(size).isEqualTo(7);
    }
  }

  @Test
  void storesWithOtherPrefixesDoNotSeeObjects() {
    try (S3BlobStore other = new S3BlobStore(settings(BUCKET, "other-" + UUID.randomUUID()))) {
      other.write(new StorageKey("a/b"), new ByteArrayInputStream(new byte[3]), 10);

      assertThat(store.stat(new StorageKey("a/b"))).isEmpty();
      try (Stream<StorageKey> keys = store.list(new StorageKey("a"))) {
        assertThat(keys).isEmpty();
      }
    }
  }

  @Test
  void missingBucketIsCreated() {
    String bucket = "created-" + UUID.randomUUID().toString().substring(0, 8);

    try (S3BlobStore created = new S3BlobStore(settings(bucket, ""))) {
      created.write(new StorageKey("a"), new ByteArrayInputStream(new byte[] {42}), 1);

      assertThat(created.stat(new StorageKey("a")).orElseThrow().size()).isEqualTo(1);
    }
  }

  @Test
  void wrongSecretKeyFailsAtOpenNamingBucket() {
    S3Settings wrong =
        new S3Settings(endpoint, "us-east-1", BUCKET, ACCESS_KEY, "not-the-secret", "");

    assertThatThrownBy(() -> new S3BlobStore(wrong))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(BUCKET)
        .hasMessageNotContaining("not-the-secret");
  }

  private static MinioAsyncClient rawAsyncClient() {
    return MinioAsyncClient.builder()
        .endpoint(endpoint.toString())
        .region("us-east-1")
        .credentials(ACCESS_KEY, SECRET_KEY)
        .build();
  }

  private static MinioClient rawClient() {
    return MinioClient.builder()
        .endpoint(endpoint.toString())
        .region("us-east-1")
        .credentials(ACCESS_KEY, SECRET_KEY)
        .build();
  }
}
