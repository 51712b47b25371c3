package io.slipway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.registry.auth.Scope;
import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.manifest.MediaTypes;
import io.slipway.registry.mirror.StubServer;
import io.slipway.registry.reference.Digest;
import io.slipway.storage.StorageKey;
import io.slipway.testing.TestDatabase;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pull-through cache end to end: a mirror registry on loopback whose prefixes point at an
 * upstream registry on loopback (with its own token realm), and at a stub upstream that lies.
 */
class MirrorPullThroughTest {

  /** Mirrors the upstream with the right credentials. */
  private static final String HUB = "hub";

  /** Mirrors the upstream's {@code library/} repositories under {@code vendor/}. */
  private static final String VENDOR = "vendor";

  /** Mirrors the upstream with a wrong password. */
  private static final String LOCKED = "locked";

  /** Mirrors a stub that sends content not matching the requested digests. */
  private static final String LIAR = "liar";

  private static UpstreamRegistry upstream;
  private static StubServer liar;
  private static RegistryFixture mirror;

  private String name;
  private HttpHelper pusher;

  @BeforeAll
  static void startRegistries() throws Exception {
    upstream = UpstreamRegistry.start();
    liar = StubServer.start(Map.of("/v2/*", new LyingUpstreamServlet()));
    URI upstreamUri = upstream.fixture().baseUri();
    mirror =
        startMirror(
            List.of(
                new RegistrySettings.Mirror(
                    HUB, upstreamUri, "", UpstreamRegistry.USERNAME, UpstreamRegistry.PASSWORD),
                new RegistrySettings.Mirror(
                    VENDOR,
                    upstreamUri,
                    "library",
                    UpstreamRegistry.USERNAME,
                    UpstreamRegistry.PASSWORD),
                new RegistrySettings.Mirror(
                    LOCKED, upstreamUri, "", UpstreamRegistry.USERNAME, "wrong-password"),
                new RegistrySettings.Mirror(LIAR, liar.baseUri(), "", null, null)));
  }

  @AfterAll
  static void stopRegistries() throws Exception {
    mirror.close();
    liar.close();
    upstream.close();
  }

  @BeforeEach
  void chooseRepository() {
    name = "library/app-" + UUID.randomUUID().toString().substring(0, 8);
    pusher = upstream.pusher(name);
  }

  private static RegistryFixture startMirror(List<RegistrySettings.Mirror> mirrors)
      throws Exception {
    RegistrySettings settings =
        new RegistrySettings(
            URI.create("/auth/token"),
            RegistryFixture.SERVICE,
            false,
            RegistrySettings.DEFAULT_MAX_UPLOAD_BYTES,
            RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES,
            mirrors);
    return RegistryFixture.start(TestDatabase.h2(), settings);
  }

  /**
   * Returns a client of {@code registry} allowed to pull, push and delete in {@code repository}.
   */
  private static HttpHelper client(RegistryFixture registry, String repository) {
    return new HttpHelper(registry.baseUri())
        .withToken(registry.token(Scope.repository(repository, "pull", "push", "delete")));
  }

  private HttpHelper mirrorClient() {
    return client(mirror, HUB + "/" + name);
  }

  private static String body(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static String digestHeader(HttpResponse<byte[]> response) {
    return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  // Upstream content ---------------------------------------------------------------------------

  /** An image pushed to the upstream. */
  private record Image(
      String digest, byte[] manifest, String configDigest, String layerDigest, byte[] layer) {}

  private static Image pushImage(
      HttpHelper client, String repository, String reference, String architecture)
      throws Exception {
    byte[] config =
        ("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\"}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] layer =
        ("layer " + architecture + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    String configDigest = client.pushBlob(repository, config);
    String layerDigest = client.pushBlob(repository, layer);
    byte[] manifest =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}
        """
            .formatted(configDigest, config.length, layerDigest, layer.length)
            .getBytes(StandardCharsets.UTF_8);
    String digest = putManifest(client, repository, reference, manifest, MediaTypes.OCI_MANIFEST);
    return new Image(digest, manifest, configDigest, layerDigest, layer);
  }

  private static String putManifest(
      HttpHelper client, String repository, String reference, byte[] manifest, String mediaType)
      throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            "PUT",
            "/v2/" + repository + "/manifests/" + reference,
            manifest,
            "Content-Type",
            mediaType);
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "Manifest push failed: " + response.statusCode() + " " + body(response));
    }
    return digestHeader(response);
  }

  private static byte[] indexOf(Image amd64, Image arm64) {
    return """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
          "platform":{"architecture":"amd64","os":"linux"}},
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
          "platform":{"architecture":"arm64","os":"linux"}}]}
        """
        .formatted(amd64.digest(), amd64.manifest().length, arm64.digest(), arm64.manifest().length)
        .getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<byte[]> pullManifest(HttpHelper client, String repository, String reference)
      throws Exception {
    return client.get(
        "/v2/" + repository + "/manifests/" + reference,
        "Accept",
        MediaTypes.OCI_MANIFEST + ", " + MediaTypes.OCI_INDEX);
  }

  // Manifests and blobs ------------------------------------------------------------------------

  @Test
  void manifestByTagReturnsUpstreamBytesAndDigest() throws Exception {
    Image image = pushImage(pusher, name, "v1", "amd64");

    HttpResponse<byte[]> response = pullManifest(mirrorClient(), HUB + "/" + name, "v1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(image.manifest());
    assertThat(digestHeader(response)).isEqualTo(image.digest());
    assertThat(response.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void blobsOfPulledManifestAreServedFromMirror() throws Exception {
    Image image = pushImage(pusher, name, "v1", "amd64");
    pullManifest(mirrorClient(), HUB + "/" + name, "v1");

    HttpResponse<byte[]> layer =
        mirrorClient().get("/v2/" + HUB + "/" + name + "/blobs/" + image.layerDigest());
    HttpResponse<byte[]> config =
        mirrorClient().get("/v2/" + HUB + "/" + name + "/blobs/" + image.configDigest());

    assertThat(layer.statusCode()).isEqualTo(200);
    assertThat(layer.body()).isEqualTo(image.layer());
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(upstream.requests().served("GET", "/blobs/" + image.layerDigest())).isEqualTo(1);
    assertThat(upstream.requests().served("GET", "/blobs/" + image.configDigest())).isEqualTo(1);
  }

  @Test
  void blobPulledBeforeAnyManifestComesThrough() throws Exception {
    byte[] content = "a blob pulled on its own".getBytes(StandardCharsets.UTF_8);
    String digest = pusher.pushBlob(name, content);

    HttpResponse<byte[]> response =
        mirrorClient().get("/v2/" + HUB + "/" + name + "/blobs/" + digest);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(content);
    assertThat(digestHeader(response)).isEqualTo(digest);
  }

  @Test
  void secondPullOnlyResolvesTagUpstream() throws Exception {
    Image image = pushImage(pusher, name, "v1", "amd64");
    String repository = HUB + "/" + name;
    pullManifest(mirrorClient(), repository, "v1");
    int before = upstream.requests().requestsFor(name).size();

    HttpResponse<byte[]> manifest = pullManifest(mirrorClient(), repository, "v1");
    HttpResponse<byte[]> layer =
        mirrorClient().get("/v2/" + repository + "/blobs/" + image.layerDigest());

    List<String> all = upstream.requests().requestsFor(name);
    assertThat(manifest.statusCode()).isEqualTo(200);
    assertThat(layer.statusCode()).isEqualTo(200);
    assertThat(all.subList(before, all.size()))
        .containsExactly("HEAD /v2/" + name + "/manifests/v1");
  }

  @Test
  void pullByStoredDigestDoesNotContactUpstream() throws Exception {
    Image image = pushImage(pusher, name, "v1", "amd64");
    String repository = HUB + "/" + name;
    pullManifest(mirrorClient(), repository, "v1");
    int before = upstream.requests().requestsFor(name).size();

    HttpResponse<byte[]> response = pullManifest(mirrorClient(), repository, image.digest());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(image.manifest());
    assertThat(upstream.requests().requestsFor(name)).hasSize(before);
  }

  @Test
  void tagMovedUpstreamIsSeenOnNextPull() throws Exception {
    String repository = HUB + "/" + name;
    Image first = pushImage(pusher, name, "v1", "amd64");
    pullManifest(mirrorClient(), repository, "v1");
    Image second = pushImage(pusher, name, "v1", "arm64");

    HttpResponse<byte[]> response = pullManifest(mirrorClient(), repository, "v1");

    assertThat(second.digest()).isNotEqualTo(first.digest());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(digestHeader(response)).isEqualTo(second.digest());
    assertThat(response.body()).isEqualTo(second.manifest());
  }

  @Test
  void indexIsMirroredWithEveryPlatform() throws Exception {
    String repository = HUB + "/" + name;
    Image amd64 = pushImage(pusher, name, "amd64-build", "amd64");
    Image arm64 = pushImage(pusher, name, "arm64-build", "arm64");
    byte[] index = indexOf(amd64, arm64);
    String indexDigest = putManifest(pusher, name, "multi", index, MediaTypes.OCI_INDEX);

    HttpResponse<byte[]> response = pullManifest(mirrorClient(), repository, "multi");
    int afterIndex = upstream.requests().requestsFor(name).size();
    List<HttpResponse<byte[]>> children = new ArrayList<>();
    for (Image image : List.of(amd64, arm64)) {
      children.add(pullManifest(mirrorClient(), repository, image.digest()));
      children.add(mirrorClient().get("/v2/" + repository + "/blobs/" + image.layerDigest()));
      children.add(mirrorClient().get("/v2/" + repository + "/blobs/" + image.configDigest()));
    }

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(index);
    assertThat(digestHeader(response)).isEqualTo(indexDigest);
    assertThat(children).allSatisfy(child -> assertThat(child.statusCode()).isEqualTo(200));
    assertThat(upstream.requests().requestsFor(name)).hasSize(afterIndex);
    assertThat(upstream.requests().served("GET", "/manifests/" + amd64.digest())).isEqualTo(1);
    assertThat(upstream.requests().served("GET", "/manifests/" + arm64.digest())).isEqualTo(1);
  }

  @Test
  void concurrentRequestsForOneBlobDownloadItOnce() throws Exception {
    byte[] content = new byte[2 * 1024 * 1024];
    new Random(7).nextBytes(content);
    String digest = pusher.pushBlob(name, content);
    String path = "/v2/" + HUB + "/" + name + "/blobs/" + digest;
    HttpHelper client = mirrorClient();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    upstream.requests().delayBlobDownloads(500);
    List<Future<HttpResponse<byte[]>>> responses = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        responses.add(
            threads.submit(
                () -> {
                  start.await();
                  return client.get(path);
                }));
      }
      start.countDown();
      for (Future<HttpResponse<byte[]>> response : responses) {
        HttpResponse<byte[]> done = response.get(60, TimeUnit.SECONDS);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).isEqualTo(content);
      }
    } finally {
      upstream.requests().delayBlobDownloads(0);
      threads.shutdownNow();
    }

    assertThat(upstream.requests().served("GET", "/blobs/" + digest)).isEqualTo(1);
  }

  @Test
  void upstreamPrefixReplacesMirrorPrefix() throws Exception {
    String suffix = name.substring("library/".length());
    Image image = pushImage(pusher, name, "v1", "amd64");
    HttpHelper client = client(mirror, VENDOR + "/" + suffix);

    HttpResponse<byte[]> response = pullManifest(client, VENDOR + "/" + suffix, "v1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(digestHeader(response)).isEqualTo(image.digest());
  }

  @Test
  void storedBlobLinkedOnlyIfUpstreamHasIt() throws Exception {
    byte[] content = ("pushed locally " + name).getBytes(StandardCharsets.UTF_8);
    String local = "local/" + name;
    String digest = client(mirror, local).pushBlob(local, content);
    String path = "/v2/" + HUB + "/" + name + "/blobs/" + digest;

    HttpResponse<byte[]> beforeUpstreamHasIt = mirrorClient().get(path);
    pusher.pushBlob(name, content);
    HttpResponse<byte[]> afterUpstreamHasIt = mirrorClient().get(path);

    assertThat(beforeUpstreamHasIt.statusCode()).isEqualTo(404);
    assertThat(body(beforeUpstreamHasIt)).contains("\"code\":\"BLOB_UNKNOWN\"");
    assertThat(afterUpstreamHasIt.statusCode()).isEqualTo(200);
    assertThat(afterUpstreamHasIt.body()).isEqualTo(content);
    assertThat(upstream.requests().count("GET", "/blobs/" + digest)).isZero();
  }

  // Authentication upstream --------------------------------------------------------------------

  @Test
  void upstreamTokenIsFetchedOnceAndReused() throws Exception {
    pushImage(pusher, name, "v1", "amd64");
    int issuedBefore = upstream.tokens().issued();

    pullManifest(mirrorClient(), HUB + "/" + name, "v1");
    pullManifest(mirrorClient(), HUB + "/" + name, "v1");

    assertThat(upstream.tokens().issued() - issuedBefore).isEqualTo(1);
  }

  @Test
  void wrongUpstreamPasswordFailsWithUpstreamError() throws Exception {
    pushImage(pusher, name, "v1", "amd64");
    int rejectedBefore = upstream.tokens().rejected();
    String repository = LOCKED + "/" + name;

    HttpResponse<byte[]> response = pullManifest(client(mirror, repository), repository, "v1");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(body(response)).contains("\"code\":\"UNKNOWN\"");
    assertThat(body(response)).contains("check the mirror's username and password");
    assertThat(upstream.tokens().rejected()).isGreaterThan(rejectedBefore);
  }

  // Failures -----------------------------------------------------------------------------------

  @Test
  void tagUnknownUpstreamIsManifestUnknown() throws Exception {
    HttpResponse<byte[]> response = pullManifest(mirrorClient(), HUB + "/" + name, "missing");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response)).contains("\"code\":\"MANIFEST_UNKNOWN\"");
  }

  @Test
  void malformedTagIsRejectedWithoutUpstream() throws Exception {
    HttpResponse<byte[]> response = pullManifest(mirrorClient(), HUB + "/" + name, "-bad");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body(response)).contains("\"code\":\"TAG_INVALID\"");
    assertThat(upstream.requests().requestsFor(name)).isEmpty();
  }

  @Test
  void blobUnknownUpstreamIsBlobUnknown() throws Exception {
    String digest = HttpHelper.sha256(("never pushed " + name).getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> response =
        mirrorClient().get("/v2/" + HUB + "/" + name + "/blobs/" + digest);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response)).contains("\"code\":\"BLOB_UNKNOWN\"");
  }

  @Test
  void upstreamDownServesOnlyCachedContent() throws Exception {
    UpstreamRegistry flaky = UpstreamRegistry.start();
    try (RegistryFixture flakyMirror =
        startMirror(
            List.of(
                new RegistrySettings.Mirror(
                    "flaky",
                    flaky.fixture().baseUri(),
                    "",
                    UpstreamRegistry.USERNAME,
                    UpstreamRegistry.PASSWORD)))) {
      String repository = "flaky/" + name;
      HttpHelper client = client(flakyMirror, repository);
      Image image = pushImage(flaky.pusher(name), name, "v1", "amd64");
      byte[] unpulled = ("never pulled " + name).getBytes(StandardCharsets.UTF_8);
      String unpulledDigest = flaky.pusher(name).pushBlob(name, unpulled);
      pullManifest(client, repository, "v1");
      flaky.close();

      HttpResponse<byte[]> cachedManifest = pullManifest(client, repository, "v1");
      HttpResponse<byte[]> cachedLayer =
          client.get("/v2/" + repository + "/blobs/" + image.layerDigest());
      HttpResponse<byte[]> uncachedTag = pullManifest(client, repository, "v2");
      HttpResponse<byte[]> uncachedBlob =
          client.get("/v2/" + repository + "/blobs/" + unpulledDigest);

      assertThat(cachedManifest.statusCode()).isEqualTo(200);
      assertThat(cachedManifest.body()).isEqualTo(image.manifest());
      assertThat(cachedLayer.statusCode()).isEqualTo(200);
      assertThat(cachedLayer.body()).isEqualTo(image.layer());
      assertThat(uncachedTag.statusCode()).isEqualTo(502);
      assertThat(body(uncachedTag)).contains("\"code\":\"UNKNOWN\"");
      assertThat(body(uncachedTag)).contains("no copy is stored");
      assertThat(uncachedBlob.statusCode()).isEqualTo(502);
      assertThat(body(uncachedBlob)).contains("\"code\":\"UNKNOWN\"");
    } finally {
      flaky.close();
    }
  }

  @Test
  void corruptedUpstreamBlobIsRejectedAndNotStored() throws Exception {
    String digest = HttpHelper.sha256(LyingUpstreamServlet.GENUINE);
    String repository = LIAR + "/app";

    HttpResponse<byte[]> response =
        client(mirror, repository).get("/v2/" + repository + "/blobs/" + digest);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(body(response)).contains("nothing was stored");
    assertThat(mirror.store().stat(BlobLayout.blob(Digest.parse(digest)))).isEmpty();
    assertThat(mirroredTemporaries()).isEmpty();
  }

  @Test
  void manifestWithWrongDigestIsRejected() throws Exception {
    String repository = LIAR + "/app";

    HttpResponse<byte[]> response = pullManifest(client(mirror, repository), repository, "v1");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(body(response)).contains("nothing was stored");
    assertThat(mirror.store().stat(BlobLayout.blob(LyingUpstreamServlet.manifestDigest())))
        .isEmpty();
  }

  private static List<StorageKey> mirroredTemporaries() {
    try (Stream<StorageKey> keys = mirror.store().list(BlobLayout.UPLOADS)) {
      return keys.filter(key -> key.name().equals("mirrored")).toList();
    }
  }

  // Read-only mirrors --------------------------------------------------------------------------

  @Test
  void pushToMirroredRepositoryIsRejected() throws Exception {
    HttpResponse<byte[]> response =
        mirrorClient().send("POST", "/v2/" + HUB + "/" + name + "/blobs/uploads/", null);

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(body(response)).contains("\"code\":\"UNSUPPORTED\"");
    assertThat(body(response)).contains("read-only");
  }

  @Test
  void manifestPutAndDeleteAreRejected() throws Exception {
    String path = "/v2/" + HUB + "/" + name + "/manifests/v1";

    HttpResponse<byte[]> put =
        mirrorClient()
            .send("PUT", path, "{}".getBytes(StandardCharsets.UTF_8), "Content-Type", "x/y");
    HttpResponse<byte[]> delete = mirrorClient().send("DELETE", path, null);

    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(delete.statusCode()).isEqualTo(405);
  }

  /**
   * An upstream that sends other bytes than the requested blob digest names, and a manifest whose
   * content does not match the digest it announces.
   */
  static final class LyingUpstreamServlet extends HttpServlet {

    static final byte[] GENUINE = "genuine layer".getBytes(StandardCharsets.UTF_8);
    static final byte[] TAMPERED = "tampered layer".getBytes(StandardCharsets.UTF_8);
    static final byte[] MANIFEST =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json",
          "digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
          "size":2},"layers":[]}
        """
            .getBytes(StandardCharsets.UTF_8);

    /** The digest announced for every manifest: that of other content. */
    static final String ANNOUNCED = HttpHelper.sha256("another manifest".getBytes());

    static Digest manifestDigest() {
      return Digest.parse(HttpHelper.sha256(MANIFEST));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String path = request.getRequestURI();
      boolean head = request.getMethod().equals("HEAD");
      if (path.contains("/blobs/")) {
        String digest = path.substring(path.lastIndexOf('/') + 1);
        send(response, head, "application/octet-stream", digest, TAMPERED);
      } else if (path.contains("/manifests/")) {
        send(response, head, MediaTypes.OCI_MANIFEST, ANNOUNCED, MANIFEST);
      } else {
        response.setStatus(404);
      }
    }

    private static void send(
        HttpServletResponse response, boolean head, String type, String digest, byte[] content)
        throws IOException {
      response.setStatus(200);
      response.setContentType(type);
      response.setHeader("Docker-Content-Digest", digest);
      response.setContentLength(content.length);
      if (!head) {
        response.getOutputStream().write(content);
      }
    }
  }
}
