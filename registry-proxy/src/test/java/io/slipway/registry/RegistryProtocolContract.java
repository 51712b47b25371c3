package io.slipway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.registry.auth.Scope;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry protocol over real HTTP against one registry per subclass; each subclass picks the
 * database.
 */
abstract class RegistryProtocolContract {

  static RegistryFixture fixture;
  private String repository;
  private HttpHelper http;

  @AfterAll
  static void stopRegistry() throws Exception {
    fixture.close();
  }

  @BeforeEach
  void grantRepository() {
    repository = "acme/app-" + UUID.randomUUID().toString().substring(0, 8);
    http =
        new HttpHelper(fixture.baseUri())
            .withToken(
                fixture.token(
                    Scope.repository(repository, "pull", "push", "delete"),
                    new Scope("registry", "catalog", java.util.Set.of("*"))));
  }

  private static String body(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private String manifestFor(
      String configDigest, int configSize, String layerDigest, int layerSize) {
    return """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}
        """
        .formatted(configDigest, configSize, layerDigest, layerSize);
  }

  /** Pushes a config and a layer and returns the manifest JSON naming them. */
  private String pushImageBlobs() throws Exception {
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("layer-" + repository).getBytes(StandardCharsets.UTF_8);
    String configDigest = http.pushBlob(repository, config);
    String layerDigest = http.pushBlob(repository, layer);
    return manifestFor(configDigest, config.length, layerDigest, layer.length);
  }

  private HttpResponse<byte[]> putManifest(String reference, String manifest) throws Exception {
    return http.send(
        "PUT",
        "/v2/" + repository + "/manifests/" + reference,
        manifest.getBytes(StandardCharsets.UTF_8),
        "Content-Type",
        "application/vnd.oci.image.manifest.v1+json");
  }

  // Authentication ---------------------------------------------------------------------------

  @Test
  void baseWithoutTokenChallengesWithBearerRealm() throws Exception {
    HttpResponse<byte[]> response = new HttpHelper(fixture.baseUri()).get("/v2/");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .isEqualTo(
            "Bearer realm=\"http://127.0.0.1:"
                + fixture.port()
                + "/auth/token\",service=\""
                + RegistryFixture.SERVICE
                + "\"");
    assertThat(body(response)).contains("\"code\":\"UNAUTHORIZED\"");
  }

  @Test
  void baseWithValidTokenAnswersOk() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .hasValue("registry/2.0");
  }

  @Test
  void pullWithoutGrantChallengesWithScope() throws Exception {
    HttpResponse<byte[]> response =
        new HttpHelper(fixture.baseUri())
            .withToken(fixture.token(Scope.repository("other/repo", "pull")))
            .get("/v2/" + repository + "/tags/list");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("scope=\"repository:" + repository + ":pull\"")
        .contains("error=\"insufficient_scope\"");
  }

  @Test
  void pushWithPullOnlyGrantIsRejected() throws Exception {
    HttpResponse<byte[]> response =
        new HttpHelper(fixture.baseUri())
            .withToken(fixture.token(Scope.repository(repository, "pull")))
            .send("POST", "/v2/" + repository + "/blobs/uploads/", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("scope=\"repository:" + repository + ":pull,push\"");
  }

  @Test
  void tokenSignedByAnotherKeyIsRejected() throws Exception {
    HttpResponse<byte[]> response =
        new HttpHelper(fixture.baseUri())
            .withToken(fixture.foreignToken(Scope.repository(repository, "pull")))
            .get("/v2/");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"");
  }

  @Test
  void expiredTokenIsRejected() throws Exception {
    String expired =
        fixture.token(Instant.now().minusSeconds(600), Scope.repository(repository, "pull"));

    HttpResponse<byte[]> response =
        new HttpHelper(fixture.baseUri()).withToken(expired).get("/v2/");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(body(response)).contains("expired");
  }

  // Blobs and uploads ------------------------------------------------------------------------

  @Test
  void monolithicPushThenPullReturnsSameBytes() throws Exception {
    byte[] content = "hello blob".getBytes(StandardCharsets.UTF_8);
    String digest = http.pushBlob(repository, content);

    HttpResponse<byte[]> response = http.get("/v2/" + repository + "/blobs/" + digest);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(content);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
  }

  @Test
  void blobHeadHasNoBody() throws Exception {
    byte[] content = "head me".getBytes(StandardCharsets.UTF_8);
    String digest = http.pushBlob(repository, content);

    HttpResponse<byte[]> response =
        http.send("HEAD", "/v2/" + repository + "/blobs/" + digest, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
    assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void rangeRequestReturnsPartialContent() throws Exception {
    byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
    String digest = http.pushBlob(repository, content);

    HttpResponse<byte[]> response =
        http.get("/v2/" + repository + "/blobs/" + digest, "Range", "bytes=2-5");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(body(response)).isEqualTo("2345");
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 2-5/10");
  }

  @Test
  void rangeBeyondEndIsUnsatisfiable() throws Exception {
    String digest = http.pushBlob(repository, "short".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> response =
        http.get("/v2/" + repository + "/blobs/" + digest, "Range", "bytes=100-200");

    assertThat(response.statusCode()).isEqualTo(416);
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */5");
    assertThat(body(response)).contains("RANGE_NOT_SATISFIABLE").contains("bytes=100-200");
  }

  @Test
  void chunkedUploadInOrderCompletes() throws Exception {
    byte[] first = "first-".getBytes(StandardCharsets.UTF_8);
    byte[] second = "second".getBytes(StandardCharsets.UTF_8);
    String digest = HttpHelper.sha256("first-second".getBytes(StandardCharsets.UTF_8));
    String location = startUpload();

    HttpResponse<byte[]> patch1 =
        http.send(
            "PATCH",
            location,
            first,
            "Content-Range",
            "0-5",
            "Content-Type",
            "application/octet-stream");
    String next = patch1.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> patch2 =
        http.send(
            "PATCH",
            next,
            second,
            "Content-Range",
            "6-11",
            "Content-Type",
            "application/octet-stream");
    HttpResponse<byte[]> put =
        http.send(
            "PUT",
            patch2.headers().firstValue("Location").orElseThrow() + "?digest=" + digest,
            null);

    assertThat(patch1.headers().firstValue("Range")).hasValue("0-5");
    assertThat(patch2.headers().firstValue("Range")).hasValue("0-11");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(body(http.get("/v2/" + repository + "/blobs/" + digest))).isEqualTo("first-second");
  }

  private String startUpload() throws Exception {
    HttpResponse<byte[]> response =
        http.send("POST", "/v2/" + repository + "/blobs/uploads/", null);
    assertThat(response.statusCode()).isEqualTo(202);
    return response.headers().firstValue("Location").orElseThrow();
  }

  @Test
  void chunkOutOfOrderGets416WithCurrentRange() throws Exception {
    String location = startUpload();
    http.send("PATCH", location, "abcd".getBytes(StandardCharsets.UTF_8), "Content-Range", "0-3");

    HttpResponse<byte[]> gap =
        http.send(
            "PATCH", location, "zz".getBytes(StandardCharsets.UTF_8), "Content-Range", "10-11");

    assertThat(gap.statusCode()).isEqualTo(416);
    assertThat(gap.headers().firstValue("Range")).hasValue("0-3");
  }

  @Test
  void overlappingChunkGets416() throws Exception {
    String location = startUpload();
    http.send("PATCH", location, "abcd".getBytes(StandardCharsets.UTF_8), "Content-Range", "0-3");

    HttpResponse<byte[]> overlap =
        http.send("PATCH", location, "cd".getBytes(StandardCharsets.UTF_8), "Content-Range", "2-3");

    assertThat(overlap.statusCode()).isEqualTo(416);
  }

  @Test
  void uploadStatusReportsOffsetForResume() throws Exception {
    String location = startUpload();
    http.send("PATCH", location, "12345".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> status = http.get(location);

    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-4");
  }

  @Test
  void digestMismatchStoresNothing() throws Exception {
    byte[] content = "actual".getBytes(StandardCharsets.UTF_8);
    String wrong = HttpHelper.sha256("claimed".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> response =
        http.send("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + wrong, content);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body(response)).contains("DIGEST_INVALID");
    assertThat(http.send("HEAD", "/v2/" + repository + "/blobs/" + wrong, null).statusCode())
        .isEqualTo(404);
    assertThat(
            http.send("HEAD", "/v2/" + repository + "/blobs/" + HttpHelper.sha256(content), null)
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void malformedDigestIsRejected() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/" + repository + "/blobs/sha256:xyz");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body(response)).contains("DIGEST_INVALID").contains("xyz");
  }

  @Test
  void unknownUploadIsReported() throws Exception {
    HttpResponse<byte[]> response =
        http.get("/v2/" + repository + "/blobs/uploads/" + UUID.randomUUID());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response)).contains("BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void uploadOverLimitIsRejectedAndStoresNothing() throws Exception {
    try (RegistryFixture small =
        RegistryFixture.start(
            io.slipway.testing.TestDatabase.h2(), RegistryFixture.settings(16, false))) {
      HttpHelper client =
          new HttpHelper(small.baseUri())
              .withToken(small.token(Scope.repository("acme/small", "pull", "push")));
      byte[] content = new byte[64];
      String digest = HttpHelper.sha256(content);

      HttpResponse<byte[]> response =
          client.send("POST", "/v2/acme/small/blobs/uploads/?digest=" + digest, content);

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(client.send("HEAD", "/v2/acme/small/blobs/" + digest, null).statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void crossRepositoryMountLinksBlob() throws Exception {
    String source = repository + "-source";
    HttpHelper both =
        new HttpHelper(fixture.baseUri())
            .withToken(
                fixture.token(
                    Scope.repository(source, "pull", "push"),
                    Scope.repository(repository, "pull", "push")));
    String digest = both.pushBlob(source, "shared".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> mount =
        both.send(
            "POST",
            "/v2/" + repository + "/blobs/uploads/?mount=" + digest + "&from=" + source,
            null);

    assertThat(mount.statusCode()).isEqualTo(201);
    assertThat(both.get("/v2/" + repository + "/blobs/" + digest).statusCode()).isEqualTo(200);
  }

  @Test
  void mountWithoutPullStartsUpload() throws Exception {
    String source = repository + "-secret";
    HttpHelper owner =
        new HttpHelper(fixture.baseUri())
            .withToken(fixture.token(Scope.repository(source, "pull", "push")));
    String digest = owner.pushBlob(source, "secret".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> mount =
        http.send(
            "POST",
            "/v2/" + repository + "/blobs/uploads/?mount=" + digest + "&from=" + source,
            null);

    assertThat(mount.statusCode()).isEqualTo(202);
    assertThat(http.send("HEAD", "/v2/" + repository + "/blobs/" + digest, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void blobOfAnotherRepositoryIsNotVisible() throws Exception {
    String other = repository + "-other";
    HttpHelper otherClient =
        new HttpHelper(fixture.baseUri())
            .withToken(fixture.token(Scope.repository(other, "pull", "push")));
    String digest = otherClient.pushBlob(other, "private".getBytes(StandardCharsets.UTF_8));

    assertThat(http.get("/v2/" + repository + "/blobs/" + digest).statusCode()).isEqualTo(404);
  }

  @Test
  void deletedBlobIsGone() throws Exception {
    String digest = http.pushBlob(repository, "delete me".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> delete =
        http.send("DELETE", "/v2/" + repository + "/blobs/" + digest, null);

    assertThat(delete.statusCode()).isEqualTo(202);
    assertThat(http.get("/v2/" + repository + "/blobs/" + digest).statusCode()).isEqualTo(404);
  }

  // Names ------------------------------------------------------------------------------------

  @Test
  void invalidRepositoryNameIsRejected() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/Acme/UPPER/tags/list");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body(response)).contains("NAME_INVALID").contains("Acme/UPPER");
  }

  @Test
  void traversalInRepositoryNameIsRejected() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/acme/%2e%2e/%2e%2e/tags/list");

    assertThat(response.statusCode()).isIn(400, 404);
    assertThat(body(response)).doesNotContain("\"tags\"");
  }

  // Manifests --------------------------------------------------------------------------------

  @Test
  void manifestPullByTagAndDigest() throws Exception {
    String manifest = pushImageBlobs();
    String digest = HttpHelper.sha256(manifest.getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> put = putManifest("v1", manifest);
    HttpResponse<byte[]> byTag = http.get("/v2/" + repository + "/manifests/v1");
    HttpResponse<byte[]> byDigest = http.get("/v2/" + repository + "/manifests/" + digest);

    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    assertThat(body(byTag)).isEqualTo(manifest);
    assertThat(byTag.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.oci.image.manifest.v1+json");
    assertThat(body(byDigest)).isEqualTo(manifest);
  }

  @Test
  void manifestNamingUnknownBlobIsRejected() throws Exception {
    String missing = HttpHelper.sha256("never pushed".getBytes(StandardCharsets.UTF_8));
    String config = http.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> put = putManifest("v1", manifestFor(config, 2, missing, 12));

    assertThat(put.statusCode()).isEqualTo(404);
    assertThat(body(put)).contains("MANIFEST_BLOB_UNKNOWN").contains(missing);
    assertThat(http.get("/v2/" + repository + "/manifests/v1").statusCode()).isEqualTo(404);
  }

  @Test
  void manifestWithWrongDigestReferenceIsRejected() throws Exception {
    String manifest = pushImageBlobs();
    String wrong = HttpHelper.sha256("not the manifest".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> put = putManifest(wrong, manifest);

    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(body(put)).contains("DIGEST_INVALID");
  }

  @Test
  void malformedManifestJsonIsRejected() throws Exception {
    HttpResponse<byte[]> put = putManifest("v1", "{not json");

    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(body(put)).contains("MANIFEST_INVALID");
  }

  @Test
  void invalidTagIsRejected() throws Exception {
    String manifest = pushImageBlobs();

    HttpResponse<byte[]> put = putManifest("-bad-tag", manifest);

    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(body(put)).contains("TAG_INVALID").contains("-bad-tag");
  }

  @Test
  void manifestOverFourMebibytesIsRejected() throws Exception {
    byte[] huge = new byte[(int) RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');

    HttpResponse<byte[]> put =
        http.send(
            "PUT",
            "/v2/" + repository + "/manifests/big",
            huge,
            "Content-Type",
            "application/vnd.oci.image.manifest.v1+json");

    assertThat(put.statusCode()).isEqualTo(413);
    assertThat(http.get("/v2/" + repository + "/manifests/big").statusCode()).isEqualTo(404);
  }

  @Test
  void indexNamingUnknownManifestIsRejected() throws Exception {
    String missing = HttpHelper.sha256("no such manifest".getBytes(StandardCharsets.UTF_8));
    String index =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
         "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":10,
           "platform":{"architecture":"arm64","os":"linux"}}]}
        """
            .formatted(missing);

    HttpResponse<byte[]> put =
        http.send(
            "PUT",
            "/v2/" + repository + "/manifests/multi",
            index.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/vnd.oci.image.index.v1+json");

    assertThat(put.statusCode()).isEqualTo(404);
    assertThat(body(put)).contains("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void headOnManifestGivesDigest() throws Exception {
    String manifest = pushImageBlobs();
    putManifest("latest", manifest);

    HttpResponse<byte[]> head = http.send("HEAD", "/v2/" + repository + "/manifests/latest", null);

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Docker-Content-Digest"))
        .hasValue(HttpHelper.sha256(manifest.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void deletingTagKeepsManifestByDigest() throws Exception {
    String manifest = pushImageBlobs();
    String digest = HttpHelper.sha256(manifest.getBytes(StandardCharsets.UTF_8));
    putManifest("old", manifest);

    HttpResponse<byte[]> delete = http.send("DELETE", "/v2/" + repository + "/manifests/old", null);

    assertThat(delete.statusCode()).isEqualTo(202);
    assertThat(http.get("/v2/" + repository + "/manifests/old").statusCode()).isEqualTo(404);
    assertThat(http.get("/v2/" + repository + "/manifests/" + digest).statusCode()).isEqualTo(200);
  }

  @Test
  void deletingManifestByDigestRemovesItsTags() throws Exception {
    String manifest = pushImageBlobs();
    String digest = HttpHelper.sha256(manifest.getBytes(StandardCharsets.UTF_8));
    putManifest("v9", manifest);

    HttpResponse<byte[]> delete =
        http.send("DELETE", "/v2/" + repository + "/manifests/" + digest, null);

    assertThat(delete.statusCode()).isEqualTo(202);
    assertThat(http.get("/v2/" + repository + "/manifests/v9").statusCode()).isEqualTo(404);
  }

  @Test
  void unknownManifestIsReported() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/" + repository + "/manifests/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response)).contains("MANIFEST_UNKNOWN").contains("nope");
  }

  // Tags -------------------------------------------------------------------------------------

  @Test
  void tagListSortedAndPaged() throws Exception {
    String manifest = pushImageBlobs();
    for (String tag : new String[] {"c", "a", "B", "b"}) {
      putManifest(tag, manifest);
    }

    HttpResponse<byte[]> first = http.get("/v2/" + repository + "/tags/list?n=2");
    HttpResponse<byte[]> second = http.get("/v2/" + repository + "/tags/list?n=2&last=a");

    assertThat(body(first)).contains("\"tags\":[\"B\",\"a\"]");
    assertThat(first.headers().firstValue("Link").orElseThrow())
        .isEqualTo("</v2/" + repository + "/tags/list?n=2&last=a>; rel=\"next\"");
    assertThat(body(second)).contains("\"tags\":[\"b\",\"c\"]");
    assertThat(second.headers().firstValue("Link")).isEmpty();
  }

  @Test
  void repositoriesWithTagListsDirectChildrenOnly() throws Exception {
    String prefix = "acme/tag_" + UUID.randomUUID().toString().substring(0, 8);
    String lookalike = prefix.replace("tag_", "tagx");
    tagIn(prefix + "/web", "1.0");
    tagIn(prefix + "/worker", "1.0");
    tagIn(prefix + "/api", "2.0");
    tagIn(prefix + "/web/deep", "1.0");
    tagIn(lookalike + "/web", "1.0");

    List<String> found = fixture.registry().repositoriesWithTag(prefix, "1.0");

    assertThat(found).containsExactly(prefix + "/web", prefix + "/worker");
  }

  /** Pushes a small image into {@code name} and tags it. */
  private void tagIn(String name, String tag) throws Exception {
    HttpHelper other =
        new HttpHelper(fixture.baseUri())
            .withToken(fixture.token(Scope.repository(name, "pull", "push")));
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("layer-" + name).getBytes(StandardCharsets.UTF_8);
    String manifest =
        manifestFor(
            other.pushBlob(name, config), config.length, other.pushBlob(name, layer), layer.length);
    HttpResponse<byte[]> put =
        other.send(
            "PUT",
            "/v2/" + name + "/manifests/" + tag,
            manifest.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/vnd.oci.image.manifest.v1+json");
    assertThat(put.statusCode()).as(body(put)).isEqualTo(201);
  }

  @Test
  void tagListOfUnknownRepositoryIsNameUnknown() throws Exception {
    HttpResponse<byte[]> response = http.get("/v2/" + repository + "/tags/list");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response)).contains("NAME_UNKNOWN");
  }

  @Test
  void catalogListsRepositories() throws Exception {
    putManifest("v1", pushImageBlobs());

    HttpResponse<byte[]> response = http.get("/v2/_catalog?n=10000");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response)).contains("\"" + repository + "\"");
  }

  // Referrers --------------------------------------------------------------------------------

  @Test
  void referrersFilterByArtifactType() throws Exception {
    String manifest = pushImageBlobs();
    String subjectDigest = HttpHelper.sha256(manifest.getBytes(StandardCharsets.UTF_8));
    int subjectSize = manifest.getBytes(StandardCharsets.UTF_8).length;
    putManifest("v1", manifest);
    String empty = http.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8));
    String signature =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json",
         "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},
         "layers":[{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2}],
         "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d},
         "annotations":{"org.example":"yes"}}
        """
            .formatted(empty, empty, subjectDigest, subjectSize);
    String signatureDigest = HttpHelper.sha256(signature.getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> put = putManifest(signatureDigest, signature);
    HttpResponse<byte[]> all = http.get("/v2/" + repository + "/referrers/" + subjectDigest);
    HttpResponse<byte[]> filtered =
        http.get(
            "/v2/"
                + repository
                + "/referrers/"
                + subjectDigest
                + "?artifactType=application/vnd.other");

    assertThat(put.headers().firstValue("OCI-Subject")).hasValue(subjectDigest);
    assertThat(body(all))
        .contains(signatureDigest)
        .contains("\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"")
        .contains("\"org.example\":\"yes\"");
    assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
    assertThat(body(filtered)).contains("\"manifests\":[]");
  }

  // Review findings ----------------------------------------------------------------------------

  @Test
  void blobNamedByManifestCannotBeDeleted() throws Exception {
    String manifest = pushImageBlobs();
    putManifest("v1", manifest);
    String layer = manifest.split("\"digest\":\"")[2].split("\"")[0];

    HttpResponse<byte[]> delete =
        http.send("DELETE", "/v2/" + repository + "/blobs/" + layer, null);

    assertThat(delete.statusCode()).isEqualTo(409);
    assertThat(body(delete)).contains("DENIED").contains("delete those manifests first");
    assertThat(http.get("/v2/" + repository + "/blobs/" + layer).statusCode()).isEqualTo(200);
  }

  @Test
  void childOfIndexCannotBeDeleted() throws Exception {
    String manifest = pushImageBlobs();
    byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
    String child = HttpHelper.sha256(manifestBytes);
    putManifest(child, manifest);
    String index =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
         "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d}]}
        """
            .formatted(child, manifestBytes.length);
    http.send(
        "PUT",
        "/v2/" + repository + "/manifests/multi",
        index.getBytes(StandardCharsets.UTF_8),
        "Content-Type",
        "application/vnd.oci.image.index.v1+json");

    HttpResponse<byte[]> delete =
        http.send("DELETE", "/v2/" + repository + "/manifests/" + child, null);

    assertThat(delete.statusCode()).isEqualTo(409);
    assertThat(body(delete)).contains("delete the index first");
  }

  @Test
  void layerWithUrlsMustStillBeInRegistry() throws Exception {
    String config = http.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8));
    String missing = HttpHelper.sha256("elsewhere".getBytes(StandardCharsets.UTF_8));
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":2},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":9,
           "urls":["http://127.0.0.1:1/layer"]}]}
        """
            .formatted(config, missing);

    HttpResponse<byte[]> put = putManifest("urls", manifest);

    assertThat(put.statusCode()).isEqualTo(404);
    assertThat(body(put)).contains("MANIFEST_BLOB_UNKNOWN");
  }

  @Test
  void manifestWithDuplicateKeysIsRejected() throws Exception {
    String manifest = pushImageBlobs();
    String duplicated = manifest.replaceFirst("\\{", "{\"schemaVersion\":1,");

    HttpResponse<byte[]> put = putManifest("dup", duplicated);

    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(body(put)).contains("MANIFEST_INVALID").contains("schemaVersion");
  }

  @Test
  void contentRangeBeyondLongIsRangeInvalid() throws Exception {
    String location = startUpload();

    HttpResponse<byte[]> patch =
        http.send(
            "PATCH",
            location,
            "x".getBytes(StandardCharsets.UTF_8),
            "Content-Range",
            "5-99999999999999999999999");

    assertThat(patch.statusCode()).isEqualTo(416);
    assertThat(body(patch)).contains("out of range");
  }

  @Test
  void failedMonolithicUploadLeavesNoSession() throws Exception {
    String wrong = HttpHelper.sha256("claimed".getBytes(StandardCharsets.UTF_8));
    java.util.Set<String> before = uploadKeys();

    http.send(
        "POST",
        "/v2/" + repository + "/blobs/uploads/?digest=" + wrong,
        "actual".getBytes(StandardCharsets.UTF_8));

    assertThat(uploadKeys()).isSubsetOf(before);
  }

  private static java.util.Set<String> uploadKeys() {
    try (var keys = fixture.store().list(new io.slipway.storage.StorageKey("uploads"))) {
      return keys.map(Object::toString).collect(java.util.stream.Collectors.toSet());
    }
  }

  @Test
  void hugePageSizeIsCutToDefault() throws Exception {
    putManifest("v1", pushImageBlobs());

    HttpResponse<byte[]> response = http.get("/v2/" + repository + "/tags/list?n=999999999999");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response)).contains("\"v1\"");
  }

  @Test
  void malformedQueryStringIsBadRequest() throws Exception {
    // Java's HTTP client refuses to send such a URL, so the request goes over a plain socket.
    String token = fixture.token(Scope.repository(repository, "pull"));
    String response;
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.port())) {
      String request =
          "GET /v2/"
              + repository
              + "/tags/list?last=%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + token
              + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(response).contains("percent-encoding");
  }

  @Test
  void manifestWithByteOrderMarkIsRejected() throws Exception {
    byte[] manifest = pushImageBlobs().getBytes(StandardCharsets.UTF_8);
    byte[] withMark = new byte[manifest.length + 3];
    withMark[0] = (byte) 0xef;
    withMark[1] = (byte) 0xbb;
    withMark[2] = (byte) 0xbf;
    System.arraycopy(manifest, 0, withMark, 3, manifest.length);

    HttpResponse<byte[]> put =
        http.send(
            "PUT",
            "/v2/" + repository + "/manifests/bom",
            withMark,
            "Content-Type",
            "application/vnd.oci.image.manifest.v1+json");

    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(body(put)).contains("byte-order mark");
  }

  @Test
  void tokenWithNonCanonicalSignatureIsRejected() throws Exception {
    String token = fixture.token(Scope.repository(repository, "pull"));
    String padded = token + "=";

    HttpResponse<byte[]> response = new HttpHelper(fixture.baseUri()).withToken(padded).get("/v2/");

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void blobDeleteRacingManifestPush() throws Exception {
    for (int round = 0; round < 20; round++) {
      byte[] config = ("{\"round\":" + round + "}").getBytes(StandardCharsets.UTF_8);
      byte[] layer = ("layer-" + round + "-" + repository).getBytes(StandardCharsets.UTF_8);
      String configDigest = http.pushBlob(repository, config);
      String layerDigest = http.pushBlob(repository, layer);
      String manifest = manifestFor(configDigest, config.length, layerDigest, layer.length);
      String tag = "race" + round;

      var push =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> statusOf(() -> putManifest(tag, manifest)));
      var delete =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () ->
                  statusOf(
                      () ->
                          http.send(
                              "DELETE", "/v2/" + repository + "/blobs/" + layerDigest, null)));

      boolean pushed = push.get() == 201;
      boolean deleted = delete.get() == 202;
      assertThat(pushed && deleted)
          .as("round %d: both the push and the delete succeeded", round)
          .isFalse();
    }
  }

  @Test
  void concurrentSameManifestPushesAllSucceed() throws Exception {
    // Two pushers share each tag, so both the manifest row and the tag rows are raced.
    int pushers = 6;
    int tags = pushers / 2;
    ExecutorService pool = Executors.newFixedThreadPool(pushers);
    try {
      for (int round = 0; round < 8; round++) {
        byte[] config = ("{\"same\":" + round + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("same-" + round + "-" + repository).getBytes(StandardCharsets.UTF_8);
        String manifest =
            manifestFor(
                http.pushBlob(repository, config),
                config.length,
                http.pushBlob(repository, layer),
                layer.length);
        String digest = HttpHelper.sha256(manifest.getBytes(StandardCharsets.UTF_8));
        CyclicBarrier start = new CyclicBarrier(pushers);
        List<Future<Integer>> puts = new ArrayList<>();
        for (int pusher = 0; pusher < pushers; pusher++) {
          String tag = "same" + round + "-" + pusher % tags;
          puts.add(
              pool.submit(
                  () -> {
                    start.await(30, TimeUnit.SECONDS);
                    return statusOf(() -> putManifest(tag, manifest));
                  }));
        }

        for (Future<Integer> put : puts) {
          assertThat(put.get(60, TimeUnit.SECONDS)).as("round %d: status", round).isEqualTo(201);
        }
        for (int tag = 0; tag < tags; tag++) {
          HttpResponse<byte[]> tagged =
              http.get("/v2/" + repository + "/manifests/same" + round + "-" + tag);
          assertThat(tagged.headers().firstValue("Docker-Content-Digest"))
              .as("round %d: tag %d", round, tag)
              .hasValue(digest);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private interface Call {
    HttpResponse<byte[]> run() throws Exception;
  }

  private static int statusOf(Call call) {
    try {
      return call.run().statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
