package io.slipway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.registry.auth.Scope;
import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.gc.GcOptions;
import io.slipway.registry.gc.GcReport;
import io.slipway.registry.reference.Digest;
import io.slipway.storage.StorageKey;
import io.slipway.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

class GarbageCollectorTest {

  private static final String IMAGE = "application/vnd.oci.image.manifest.v1+json";
  private static final String INDEX = "application/vnd.oci.image.index.v1+json";

  /** Collects everything unreferenced at once, as if the grace period had long passed. */
  private static final GcOptions AT_ONCE = GcOptions.defaults().withGracePeriod(Duration.ZERO);

  static Stream<TestDatabase> databases() {
    return TestDatabase.all().stream();
  }

  // Marking --------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void blobsOfTaggedManifestSurvive(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      Image image = scenario.pushImage("v1", "layer-one");

      GcReport report = scenario.collect(AT_ONCE);

      assertThat(report.blobsDeleted()).isEmpty();
      assertThat(scenario.pull(image.config())).isEqualTo(200);
      assertThat(scenario.pull(image.layer())).isEqualTo(200);
      assertThat(scenario.pullManifest("v1")).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void untaggedManifestStaysByDefault(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      Image image = scenario.pushImage(null, "layer-untagged");

      scenario.collect(AT_ONCE);

      assertThat(scenario.pullManifest(image.digest())).isEqualTo(200);
      assertThat(scenario.pull(image.layer())).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void deletedManifestLosesOnlyUnsharedBlobs(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      Image gone = scenario.pushImage("old", "layer-old-only", "shared base layer");
      Image kept = scenario.pushImage("new", "layer-new-only", "shared base layer");
      assertThat(scenario.deleteManifest(gone.digest())).isEqualTo(202);

      GcReport report = scenario.collect(AT_ONCE);

      assertThat(report.blobsDeleted())
          .extracting(Digest::toString)
          .containsExactlyInAnyOrder(gone.digest(), gone.config(), gone.layer());
      assertThat(scenario.pull(kept.shared())).isEqualTo(200);
      assertThat(scenario.pull(kept.layer())).isEqualTo(200);
      assertThat(scenario.pull(kept.config())).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void indexChildrenAndTheirBlobsSurvive(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      Image amd64 = scenario.pushImage(null, "layer-amd64");
      Image arm64 = scenario.pushImage(null, "layer-arm64");
      scenario.pushIndex("multi", amd64, arm64);

      GcReport report = scenario.collect(AT_ONCE.withDeleteUntagged(true));

      assertThat(report.manifestsDeleted()).isZero();
      assertThat(report.blobsDeleted()).isEmpty();
      assertThat(scenario.pullManifest(arm64.digest())).isEqualTo(200);
      assertThat(scenario.pull(amd64.layer())).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void deleteUntaggedRemovesOldManifestAndBlobs(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      Image orphan = scenario.pushImage(null, "layer-orphan");

      GcReport report = scenario.collect(AT_ONCE.withDeleteUntagged(true));

      assertThat(report.manifestsDeleted()).isEqualTo(1);
      assertThat(scenario.pullManifest(orphan.digest())).isEqualTo(404);
      assertThat(scenario.stored(orphan.layer())).isFalse();
      assertThat(scenario.stored(orphan.digest())).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void deleteUntaggedKeepsReferrerOfTaggedManifest(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      Image image = scenario.pushImage("v1", "layer-signed");
      String signature = scenario.pushSignature(image);

      GcReport report = scenario.collect(AT_ONCE.withDeleteUntagged(true));

      assertThat(report.manifestsDeleted()).isZero();
      assertThat(scenario.pullManifest(signature)).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void deleteUntaggedKeepsRecentManifest(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      Image platform = scenario.pushImage(null, "layer-index-not-pushed-yet");

      GcReport report = scenario.collect(GcOptions.defaults().withDeleteUntagged(true));

      assertThat(report.manifestsDeleted()).isZero();
      assertThat(scenario.pullManifest(platform.digest())).isEqualTo(200);
    }
  }

  // Grace period ---------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void oldUnreferencedBlobIsDeleted(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      String digest = scenario.pushBlob("abandoned layer");
      scenario.backdateObject(digest, Duration.ofHours(2));
      scenario.backdateLinks(digest, Duration.ofHours(2));

      scenario.collect(GcOptions.defaults());

      assertThat(scenario.stored(digest)).isFalse();
      assertThat(scenario.pull(digest)).isEqualTo(404);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void reportListsDeletedBlobWithItsSize(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      String digest = scenario.pushBlob("twelve bytes");

      GcReport report = scenario.collect(AT_ONCE);

      assertThat(report.dryRun()).isFalse();
      assertThat(report.blobsScanned()).isEqualTo(1);
      assertThat(report.blobsDeleted()).containsExactly(Digest.parse(digest));
      assertThat(report.bytesFreed()).isEqualTo(12);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void freshUnreferencedBlobSurvives(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      String digest = scenario.pushBlob("layer whose manifest is still coming");

      GcReport report = scenario.collect(GcOptions.defaults());

      assertThat(report.blobsDeleted()).isEmpty();
      assertThat(scenario.pull(digest)).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void oldBlobPushedAgainRecentlySurvives(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      String digest = scenario.pushBlob("layer stored long ago, pushed again now");
      scenario.backdateObject(digest, Duration.ofHours(2));

      GcReport report = scenario.collect(GcOptions.defaults());

      assertThat(report.blobsDeleted()).isEmpty();
      assertThat(scenario.pull(digest)).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void collectedBlobCanBePushedAgain(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      String layer = scenario.pushBlob("layer-comeback");
      scenario.collect(AT_ONCE);
      assertThat(scenario.stored(layer)).isFalse();

      Image image = scenario.pushImage("v2", "layer-comeback");

      assertThat(image.layer()).isEqualTo(layer);
      assertThat(scenario.pullBody(layer)).isEqualTo("layer-comeback");
    }
  }

  // Dry run --------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void dryRunReportsBlobAndDeletesNothing(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      String digest = scenario.pushBlob("would be collected");

      GcReport report = scenario.collect(AT_ONCE.withDryRun(true));

      assertThat(report.dryRun()).isTrue();
      assertThat(report.blobsDeleted()).containsExactly(Digest.parse(digest));
      assertThat(scenario.pull(digest)).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void dryRunReportMatchesRealRun(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      scenario.pushImage("kept", "layer-kept");
      scenario.pushImage(null, "layer-untagged-one");
      scenario.pushBlob("loose blob");
      GcOptions options = AT_ONCE.withDeleteUntagged(true);

      GcReport dry = scenario.collect(options.withDryRun(true));
      GcReport real = scenario.collect(options);

      assertThat(dry.blobsDeleted()).containsExactlyInAnyOrderElementsOf(real.blobsDeleted());
      assertThat(dry.bytesFreed()).isEqualTo(real.bytesFreed());
      assertThat(dry.manifestsDeleted()).isEqualTo(real.manifestsDeleted());
      assertThat(dry.manifestsMarked()).isEqualTo(real.manifestsMarked());
    }
  }

  // Uploads --------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void idleUploadSessionIsRemoved(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      String location = scenario.startUpload("first chunk");
      scenario.backdateUploads(Duration.ofHours(25));

      GcReport report = scenario.collect(GcOptions.defaults());

      assertThat(report.uploadsExpired()).isEqualTo(1);
      assertThat(scenario.http.get(location).statusCode()).isEqualTo(404);
      assertThat(scenario.uploadObjects()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void activeUploadSessionSurvives(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      String location = scenario.startUpload("chunk of a slow push");

      GcReport report = scenario.collect(AT_ONCE);

      assertThat(report.uploadsExpired()).isZero();
      assertThat(scenario.http.get(location).statusCode()).isEqualTo(204);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void uploadObjectsWithoutSessionAreRemoved(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      StorageKey leftover = BlobLayout.uploadPart(UUID.randomUUID().toString(), 0);
      byte[] content = "left by a crash".getBytes(StandardCharsets.UTF_8);
      scenario.fixture.store().write(leftover, new ByteArrayInputStream(content), content.length);

      GcReport report = scenario.collect(AT_ONCE);

      assertThat(report.uploadsExpired()).isEqualTo(1);
      assertThat(scenario.fixture.store().stat(leftover)).isEmpty();
    }
  }

  // Concurrency ----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void concurrentRunsDeleteEachBlobOnce(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      scenario.pushBlob("contested");
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<GcReport>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          runs.add(
              threads.submit(
                  () -> {
                    start.await();
                    return scenario.collect(AT_ONCE);
                  }));
        }
        start.countDown();

        int deleted = 0;
        for (Future<GcReport> run : runs) {
          deleted += run.get(60, TimeUnit.SECONDS).blobsDeleted().size();
        }
        assertThat(deleted).isEqualTo(1);
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void racingPushesNeverLoseManifestBlobs(TestDatabase database) throws Exception {
    try (Scenario scenario = new Scenario(database)) {
      AtomicBoolean pushing = new AtomicBoolean(true);
      AtomicInteger deletedWhilePushing = new AtomicInteger();
      Semaphore attempts = new Semaphore(0);
      ExecutorService collector = Executors.newSingleThreadExecutor();
      List<Image> pushed = new ArrayList<>();
      try {
        Future<?> sweeping =
            collector.submit(
                () -> {
                  while (pushing.get()) {
                    if (!attempts.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                      continue;
                    }
                    // One sweep per push attempt, at a random moment within it: some sweeps
                    // delete a blob before its manifest arrives, some race the manifest push,
                    // and some come after it. Sweeping nonstop would leave no push a chance.
                    Thread.sleep(ThreadLocalRandom.current().nextInt(200));
                    deletedWhilePushing.addAndGet(scenario.collect(AT_ONCE).blobsDeleted().size());
                  }
                  return null;
                });
        // At least 10 pushes, and more (up to 40) until some sweep has hit one: the sweeps start
        // at random moments, so a short run can miss every push.
        for (int i = 0; i < 10 || (deletedWhilePushing.get() == 0 && i < 40); i++) {
          pushed.add(scenario.pushImageRetrying("race-" + i, "layer-race-" + i, attempts));
        }
        pushing.set(false);
        sweeping.get(120, TimeUnit.SECONDS);
      } finally {
        pushing.set(false);
        collector.shutdownNow();
      }
      scenario.collect(AT_ONCE);

      assertThat(deletedWhilePushing.get()).isPositive();
      for (Image image : pushed) {
        assertThat(scenario.pullManifest(image.tag())).isEqualTo(200);
        assertThat(scenario.pull(image.config())).isEqualTo(200);
        assertThat(scenario.pull(image.layer())).isEqualTo(200);
        assertThat(scenario.pull(image.shared())).isEqualTo(200);
      }
    }
  }

  // Options and report ---------------------------------------------------------------------

  @Test
  void negativeGracePeriodIsRejected() {
    assertThatThrownBy(() -> GcOptions.defaults().withGracePeriod(Duration.ofMinutes(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gracePeriod")
        .hasMessageContaining("PT-5M");
  }

  @Test
  void dryRunSummarySaysNothingWasDeleted() {
    GcReport report =
        new GcReport(
            true, 3, 0, 7, List.of(Digest.sha256Of(new byte[] {1})), 512, 1, Duration.ofMillis(40));

    assertThat(report.summary())
        .isEqualTo(
            "Garbage collection dry run: 3 manifests kept, 0 untagged manifests to delete,"
                + " 7 blobs scanned, 1 blobs to delete (512 bytes), 1 upload to expire, in 40 ms;"
                + " nothing was deleted");
  }

  // Fixture --------------------------------------------------------------------------------

  /** A pushed image manifest, its content and the digests of what it names. */
  private record Image(
      String tag, String digest, byte[] manifest, String config, String layer, String shared) {}

  /** A fresh registry on {@code database} and a client that may push to one repository. */
  private static final class Scenario implements AutoCloseable {

    private final TestDatabase database;
    private final RegistryFixture fixture;
    private final HttpHelper http;
    private final String repository = "fleet/app-" + UUID.randomUUID().toString().substring(0, 8);

    Scenario(TestDatabase database) throws Exception {
      this.database = database;
      this.fixture =
          RegistryFixture.start(
              database, RegistryFixture.settings(RegistrySettings.DEFAULT_MAX_UPLOAD_BYTES, false));
      this.http =
          new HttpHelper(fixture.baseUri())
              .withToken(fixture.token(Scope.repository(repository, "pull", "push", "delete")));
    }

    GcReport collect(GcOptions options) {
      return fixture.registry().garbageCollector().run(options);
    }

    String pushBlob(String content) throws Exception {
      return http.pushBlob(repository, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Pushes a config, a layer holding {@code layer} and a layer for each of {@code shared}, then
     * the manifest naming them, under {@code tag} or by digest when it is null.
     */
    Image pushImage(String tag, String layer, String... shared) throws Exception {
      Image image = pushImageBlobs(tag, layer, shared);
      HttpResponse<byte[]> put = putImage(image);
      if (put.statusCode() != 201) {
        throw new IllegalStateException(
            "Manifest push failed: " + put.statusCode() + " " + new String(put.body()));
      }
      return image;
    }

    /**
     * Pushes an image as {@link #pushImage} does, with one layer shared by every call, and pushes
     * the blobs again when a collection deleted them before the manifest named them, as a client
     * does on {@code MANIFEST_BLOB_UNKNOWN}. Releases a permit of {@code attempts} as each attempt
     * starts.
     */
    Image pushImageRetrying(String tag, String layer, Semaphore attempts) throws Exception {
      for (int attempt = 0; attempt < 50; attempt++) {
        attempts.release();
        Image image = pushImageBlobs(tag, layer, "layer shared by every racing image");
        HttpResponse<byte[]> put = putImage(image);
        if (put.statusCode() == 201) {
          return image;
        }
        String body = new String(put.body(), StandardCharsets.UTF_8);
        if (!body.contains("MANIFEST_BLOB_UNKNOWN")) {
          throw new IllegalStateException("Manifest push failed: " + put.statusCode() + body);
        }
      }
      throw new IllegalStateException("Manifest " + tag + " lost its blobs 50 times in a row");
    }

    private Image pushImageBlobs(String tag, String layer, String... shared) throws Exception {
      String config = pushBlob(configJson(layer));
      String layerDigest = pushBlob(layer);
      String firstShared = null;
      for (String content : shared) {
        String digest = pushBlob(content);
        firstShared = firstShared == null ? digest : firstShared;
      }
      byte[] manifest = imageJson(layer, shared);
      return new Image(
          tag, HttpHelper.sha256(manifest), manifest, config, layerDigest, firstShared);
    }

    private HttpResponse<byte[]> putImage(Image image) throws Exception {
      String reference = image.tag() == null ? image.digest() : image.tag();
      return putManifest(reference, image.manifest(), IMAGE);
    }

    void pushIndex(String tag, Image... children) throws Exception {
      StringBuilder manifests = new StringBuilder();
      for (Image child : children) {
        manifests
            .append(manifests.isEmpty() ? "" : ",")
            .append(descriptor(IMAGE, child.digest(), child.manifest().length));
      }
      String index =
          "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + manifests + "]}";
      HttpResponse<byte[]> put = putManifest(tag, index.getBytes(StandardCharsets.UTF_8), INDEX);
      assertThat(put.statusCode()).isEqualTo(201);
    }

    /** Pushes a signature artifact whose subject is {@code image}; returns its digest. */
    String pushSignature(Image image) throws Exception {
      String emptyType = "application/vnd.oci.empty.v1+json";
      String empty = descriptor(emptyType, pushBlob("{}"), 2);
      String signature =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + IMAGE
              + "\",\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
              + "\"config\":"
              + empty
              + ",\"layers\":["
              + empty
              + "],\"subject\":"
              + descriptor(IMAGE, image.digest(), image.manifest().length)
              + "}";
      byte[] body = signature.getBytes(StandardCharsets.UTF_8);
      String digest = HttpHelper.sha256(body);
      assertThat(putManifest(digest, body, IMAGE).statusCode()).isEqualTo(201);
      return digest;
    }

    private HttpResponse<byte[]> putManifest(String reference, byte[] body, String mediaType)
        throws Exception {
      return http.send(
          "PUT", "/v2/" + repository + "/manifests/" + reference, body, "Content-Type", mediaType);
    }

    int deleteManifest(String digest) throws Exception {
      return http.send("DELETE", "/v2/" + repository + "/manifests/" + digest, null).statusCode();
    }

    /** Opens an upload session and sends one chunk; returns the session's location. */
    String startUpload(String chunk) throws Exception {
      HttpResponse<byte[]> started =
          http.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
      String location = started.headers().firstValue("Location").orElseThrow();
      byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
      HttpResponse<byte[]> patched =
          http.send("PATCH", location, bytes, "Content-Range", "0-" + (bytes.length - 1));
      assertThat(patched.statusCode()).isEqualTo(202);
      return patched.headers().firstValue("Location").orElseThrow();
    }

    int pull(String digest) throws Exception {
      return http.get("/v2/" + repository + "/blobs/" + digest).statusCode();
    }

    String pullBody(String digest) throws Exception {
      HttpResponse<byte[]> response = http.get("/v2/" + repository + "/blobs/" + digest);
      assertThat(response.statusCode()).isEqualTo(200);
      return new String(response.body(), StandardCharsets.UTF_8);
    }

    int pullManifest(String reference) throws Exception {
      return http.get(
              "/v2/" + repository + "/manifests/" + reference, "Accept", IMAGE + "," + INDEX)
          .statusCode();
    }

    boolean stored(String digest) {
      return fixture.store().stat(BlobLayout.blob(Digest.parse(digest))).isPresent();
    }

    List<StorageKey> uploadObjects() {
      try (Stream<StorageKey> keys = fixture.store().list(BlobLayout.UPLOADS)) {
        return keys.toList();
      }
    }

    /** Makes the stored object of {@code digest} look as if written {@code age} ago. */
    void backdateObject(String digest, Duration age) throws Exception {
      Path file = fixture.store().localFile(BlobLayout.blob(Digest.parse(digest))).orElseThrow();
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    }

    /** Makes every link of {@code digest} look as if made {@code age} ago. */
    void backdateLinks(String digest, Duration age) {
      new JdbcTemplate(database.dataSource())
          .update(
              "UPDATE registry_blob_link SET linked_at = ? WHERE digest = ?",
              Instant.now().minus(age).toEpochMilli(),
              digest);
    }

    /** Makes every upload session look idle for {@code age}. */
    void backdateUploads(Duration age) {
      new JdbcTemplate(database.dataSource())
          .update(
              "UPDATE registry_upload SET updated_at = ?", Instant.now().minus(age).toEpochMilli());
    }

    @Override
    public void close() throws Exception {
      fixture.close();
    }
  }

  private static String configJson(String layer) {
    return "{\"architecture\":\"arm64\",\"os\":\"linux\",\"comment\":\"" + layer + "\"}";
  }

  /** Returns an image manifest whose config is {@link #configJson} of {@code layer}. */
  private static byte[] imageJson(String layer, String... shared) {
    StringBuilder layers = new StringBuilder(layerDescriptor(layer));
    for (String content : shared) {
      layers.append(',').append(layerDescriptor(content));
    }
    byte[] config = configJson(layer).getBytes(StandardCharsets.UTF_8);
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + IMAGE
            + "\",\"config\":"
            + descriptor(
                "application/vnd.oci.image.config.v1+json",
                HttpHelper.sha256(config),
                config.length)
            + ",\"layers\":["
            + layers
            + "]}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String layerDescriptor(String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return descriptor(
        "application/vnd.oci.image.layer.v1.tar", HttpHelper.sha256(bytes), bytes.length);
  }

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }
}
