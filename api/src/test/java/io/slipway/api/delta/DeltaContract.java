package io.slipway.api.delta;

import static io.slipway.api.release.ReleaseWorld.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.delta.apply.AppliedBlob;
import io.slipway.delta.apply.AppliedImage;
import io.slipway.delta.apply.DeltaApplier;
import io.slipway.delta.encode.DeltaMaker;
import io.slipway.delta.encode.DeltaSummary;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.manifest.DeltaManifest;
import io.slipway.delta.manifest.DeltaManifests;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.keystore.SigningKeyStore;
import io.slipway.storage.BlobStore;
import io.slipway.storage.StorageKey;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import tools.jackson.databind.JsonNode;

/**
 * Deltas through the running server and its real registry, with images built by the test: the rules
 * of {@code GET /device/v1/delta} and each refusal, "full" without a base, "generating" with {@code
 * Retry-After}, one generation for concurrent requests, and ranged payload downloads of a stored
 * delta. Subclasses pick the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeltaContract {

  static final Platform AMD64 = Platform.LINUX_AMD64;
  static final Platform ARM64 = Platform.LINUX_ARM64;

  @TempDir static Path dataDirectory;

  ReleaseWorld world;

  private TestFleet fleet;
  private TestDevice device;
  private LayeredImages web;
  private LayeredImages api;

  /** Returns a fresh database for the server of this class. */
  abstract TestDatabase database();

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(database(), dataDirectory);
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @BeforeEach
  void createFleet() {
    fleet = world.newFleet();
    device = world.device(fleet.id());
    web = images("web");
    api = images("api");
  }

  @Test
  void unknownTargetIsRejected() {
    HttpResponse<String> response = delta(device, null, Digest.of(new byte[] {1}).value());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(code(response)).isEqualTo("DELTA_IMAGE_UNKNOWN");
  }

  @Test
  void malformedTargetIsRejected() {
    HttpResponse<String> response = delta(device, null, "latest");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("message").asString()).contains("'latest'");
  }

  @Test
  void requestWithoutBaseGetsFullPull() {
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    release(Map.of("web", web.reference(target.digest())));

    HttpResponse<String> response = delta(device, "", target.digest());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("status").asString()).isEqualTo("full");
    assertThat(json(response).path("reason").asString()).contains("no base");
  }

  @Test
  void invalidatedTargetIsUnknown() {
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    long release = release(Map.of("web", web.reference(target.digest())));
    String manager = fleet.member(world, Role.RELEASE_MANAGER);
    world.call("POST", "/api/v1/releases/" + release + "/invalidate", null, manager);

    HttpResponse<String> response = delta(device, null, target.digest());

    assertThat(code(response)).isEqualTo("DELTA_IMAGE_UNKNOWN");
  }

  @Test
  void baseEqualToTargetIsRejected() {
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    release(Map.of("web", web.reference(target.digest())));

    HttpResponse<String> response = delta(device, target.digest(), target.digest());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("message").asString()).contains(target.digest());
  }

  @Test
  void unknownBaseIsRejected() {
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    release(Map.of("web", web.reference(target.digest())));

    HttpResponse<String> response =
        delta(device, Digest.of(new byte[] {2}).value(), target.digest());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(code(response)).isEqualTo("DELTA_IMAGE_UNKNOWN");
  }

  @Test
  void baseOfAnotherServiceIsRejected() {
    LayeredImages.Pushed apiImage = api.push(AMD64, List.of(files("api v1")));
    LayeredImages.Pushed webImage = web.push(AMD64, List.of(files("web v2")));
    long release =
        release(
            Map.of(
                "web", web.reference(webImage.digest()), "api", api.reference(apiImage.digest())));
    report(device, release, "{}");

    HttpResponse<String> response = delta(device, apiImage.digest(), webImage.digest());

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(code(response)).isEqualTo("DELTA_SOURCE_MISMATCH");
    assertThat(json(response).path("message").asString()).contains("'api'").contains("'web'");
  }

  @Test
  void baseTheDeviceDoesNotRunIsRejected() {
    LayeredImages.Pushed old = web.push(AMD64, List.of(files("v0")));
    LayeredImages.Pushed running = web.push(AMD64, List.of(files("v1")));
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    release(Map.of("web", web.reference(old.digest())));
    long current = release(Map.of("web", web.reference(running.digest())));
    release(Map.of("web", web.reference(target.digest())));
    report(device, current, "{\"web\": {\"status\": \"running\"}}");

    HttpResponse<String> response = delta(device, old.digest(), target.digest());

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(code(response)).isEqualTo("DELTA_SOURCE_NOT_RUNNING");
  }

  @Test
  void baseOfTheReportedReleaseIsAccepted() {
    LayeredImages.Pushed running = web.push(AMD64, List.of(files("v1")));
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    long current = release(Map.of("web", web.reference(running.digest())));
    release(Map.of("web", web.reference(target.digest())));
    report(device, current, "{\"web\": {\"status\": \"running\"}}");

    HttpResponse<String> response = delta(device, running.digest(), target.digest());

    assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
    assertThat(json(response).path("status").asString()).isIn("generating", "ready", "full");
  }

  @Test
  void reportedImageWinsOverTheReportedRelease() {
    LayeredImages.Pushed old = web.push(AMD64, List.of(files("v0")));
    LayeredImages.Pushed running = web.push(AMD64, List.of(files("v1")));
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    release(Map.of("web", web.reference(old.digest())));
    long current = release(Map.of("web", web.reference(running.digest())));
    release(Map.of("web", web.reference(target.digest())));
    report(
        device,
        current,
        "{\"web\": {\"status\": \"running\", \"image\": \"" + old.digest() + "\"}}");

    HttpResponse<String> fromOld = delta(device, old.digest(), target.digest());
    HttpResponse<String> fromRelease = delta(device, running.digest(), target.digest());

    assertThat(fromOld.statusCode()).as(fromOld.body()).isIn(200, 202);
    assertThat(code(fromRelease)).isEqualTo("DELTA_SOURCE_NOT_RUNNING");
  }

  @Test
  void platformManifestOfAReportedIndexCounts() {
    String running = webIndex("v1");
    String target = webIndex("v2");
    long current = release(Map.of("web", web.reference(running)));
    release(Map.of("web", web.reference(target)));
    report(device, current, "{\"web\": {\"status\": \"running\", \"image\": \"" + running + "\"}}");

    HttpResponse<String> response =
        delta(device, manifestOf(running, AMD64), manifestOf(target, AMD64));

    assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
  }

  @Test
  void otherPlatformIsRejected() {
    String running = webIndex("v1");
    String target = webIndex("v2");
    long current = release(Map.of("web", web.reference(running)));
    release(Map.of("web", web.reference(target)));
    report(device, current, "{\"web\": {\"status\": \"running\"}}");

    HttpResponse<String> response =
        delta(device, manifestOf(running, AMD64), manifestOf(target, ARM64));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(code(response)).isEqualTo("DELTA_PLATFORM_MISMATCH");
  }

  @Test
  void indexAsTargetIsRejected() {
    String target = webIndex("v2");
    release(Map.of("web", web.reference(target)));

    HttpResponse<String> response = delta(device, null, target);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("message").asString()).contains("image index");
  }

  @Test
  void deviceOfAnotherFleetGetsUnknownImage() {
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    release(Map.of("web", web.reference(target.digest())));
    TestDevice stranger = world.device(world.newFleet().id());

    HttpResponse<String> response = delta(stranger, null, target.digest());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(code(response)).isEqualTo("DELTA_IMAGE_UNKNOWN");
  }

  @Test
  void userTokenIsRefused() {
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("v2")));
    release(Map.of("web", web.reference(target.digest())));

    HttpResponse<String> response =
        world.call("GET", "/device/v1/delta?to=" + target.digest(), null, fleet.developer());

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void firstRequestAnswersGeneratingWithRetryAfter() {
    DeltaPair pair = runningPair();

    HttpResponse<String> response = delta(device, pair.source().value(), pair.target().value());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(response.headers().firstValue("Retry-After")).contains("5");
    assertThat(json(response).path("status").asString()).isEqualTo("generating");
    assertThat(json(response).path("retryAfterSeconds").asLong()).isEqualTo(5);
  }

  @Test
  void concurrentRequestsMakeTheDeltaOnce() throws Exception {
    DeltaPair pair = runningPair();
    DeltaGenerator generator = world.context().getBean(DeltaGenerator.class);
    long before = generator.generations();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<HttpResponse<String>>> responses = new ArrayList<>();

    try {
      Callable<HttpResponse<String>> request =
          () -> delta(device, pair.source().value(), pair.target().value());
      for (int i = 0; i < 8; i++) {
        responses.add(pool.submit(request));
      }
      for (Future<HttpResponse<String>> response : responses) {
        assertThat(response.get().statusCode()).as(response.get().body()).isIn(200, 202);
      }
      StoredDelta made = awaitFinished(pair);
      assertThat(made.state()).as(made.reason()).isEqualTo(StoredDelta.State.READY);
    } finally {
      pool.shutdownNow();
    }

    assertThat(generator.generations() - before).isEqualTo(1);
  }

  @Test
  void staleClaimOfAStoppedServerIsTakenOver() {
    DeltaPair pair = runningPair();
    DeltaRepository deltas = world.context().getBean(DeltaRepository.class);
    long longAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
    deltas.claimNew(pair, webLocation(), "stopped-server", longAgo);
    DeltaGenerator generator = world.context().getBean(DeltaGenerator.class);
    long before = generator.generations();

    HttpResponse<String> response = delta(device, pair.source().value(), pair.target().value());
    StoredDelta finished = awaitFinished(pair);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(generator.generations() - before).isEqualTo(1);
    assertThat(finished.claimedBy()).isNotEqualTo("stopped-server");
  }

  @Test
  void recentClaimOfAnotherServerIsLeftAlone() {
    DeltaPair pair = runningPair();
    DeltaRepository deltas = world.context().getBean(DeltaRepository.class);
    deltas.claimNew(pair, webLocation(), "busy-server", System.currentTimeMillis());

    HttpResponse<String> response = delta(device, pair.source().value(), pair.target().value());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(deltas.find(pair).orElseThrow().claimedBy()).isEqualTo("busy-server");
  }

  @Test
  void storedDeltaIsReadyWithItsSignedManifest() {
    DeltaPair pair = runningPair();
    byte[] payload = storeReady(pair, 1000);

    HttpResponse<String> response = delta(device, pair.source().value(), pair.target().value());

    JsonNode body = json(response);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(body.path("status").asString()).isEqualTo("ready");
    assertThat(body.path("payload").path("size").asLong()).isEqualTo(payload.length);
    assertThat(body.path("payload").path("url").asString())
        .isEqualTo("/device/v1/delta/payloads/" + Digest.of(payload));
    DeltaManifest manifest =
        DeltaManifests.verify(
            Bundle.parse(body.path("bundle").toString().getBytes(StandardCharsets.UTF_8)),
            world.context().getBean(SigningKeyStore.class).trustPolicy(),
            Instant.now());
    assertThat(manifest.source()).isEqualTo(pair.source());
    assertThat(manifest.target()).isEqualTo(pair.target());
    assertThat(manifest.payloadDigest()).isEqualTo(Digest.of(payload));
  }

  @Test
  void payloadDownloadsWhole() {
    byte[] payload = storeReady(runningPair(), 1000);

    HttpResponse<byte[]> response = download(device, Digest.of(payload), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(payload);
    assertThat(response.headers().firstValue("Accept-Ranges")).contains("bytes");
    assertThat(response.headers().firstValue("ETag")).contains("\"" + Digest.of(payload) + "\"");
  }

  @Test
  void payloadServesOneRange() {
    byte[] payload = storeReady(runningPair(), 1000);

    HttpResponse<byte[]> response = download(device, Digest.of(payload), "bytes=100-199");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.headers().firstValue("Content-Range")).contains("bytes 100-199/1000");
    assertThat(response.body()).isEqualTo(java.util.Arrays.copyOfRange(payload, 100, 200));
  }

  @Test
  void payloadServesAnOpenRangeToTheEnd() {
    byte[] payload = storeReady(runningPair(), 1000);

    HttpResponse<byte[]> response = download(device, Digest.of(payload), "bytes=900-");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.headers().firstValue("Content-Range")).contains("bytes 900-999/1000");
    assertThat(response.body()).isEqualTo(java.util.Arrays.copyOfRange(payload, 900, 1000));
  }

  @Test
  void payloadServesASuffixRange() {
    byte[] payload = storeReady(runningPair(), 1000);

    HttpResponse<byte[]> response = download(device, Digest.of(payload), "bytes=-10");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(java.util.Arrays.copyOfRange(payload, 990, 1000));
  }

  @Test
  void rangePastTheEndIsNotSatisfiable() {
    byte[] payload = storeReady(runningPair(), 1000);

    HttpResponse<byte[]> response = download(device, Digest.of(payload), "bytes=1000-");

    assertThat(response.statusCode()).isEqualTo(416);
    assertThat(response.headers().firstValue("Content-Range")).contains("bytes */1000");
  }

  @Test
  void malformedPayloadDigestIsInvalid() {
    storeReady(runningPair(), 1000);

    for (String digest : List.of("sha256:ABC", "sha256:" + "AB".repeat(32), "latest")) {
      HttpResponse<String> response =
          world
              .http()
              .get(
                  "/device/v1/delta/payloads/" + digest, "Authorization", "Bearer " + device.key());

      assertThat(response.statusCode()).as(digest).isEqualTo(400);
      assertThat(code(response)).as(digest).isEqualTo("INVALID_PARAMETER");
      assertThat(response.body()).as(digest).contains("'" + digest + "'");
    }
  }

  @Test
  void payloadIsHiddenFromOtherFleets() {
    byte[] payload = storeReady(runningPair(), 1000);
    TestDevice stranger = world.device(world.newFleet().id());

    HttpResponse<byte[]> response = download(stranger, Digest.of(payload), null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("DELTA_PAYLOAD_NOT_FOUND");
  }

  @Test
  void payloadIsHiddenFromAFleetSharingOnlyTheTarget() {
    DeltaPair pair = runningPair();
    byte[] payload = storeReady(pair, 1000);
    TestFleet other = world.newFleet();
    LayeredImages otherWeb =
        new LayeredImages(world.context(), other.org() + "/" + other.slug() + "/web");
    LayeredImages.Pushed sameTarget =
        otherWeb.push(AMD64, List.of(files("base"), files("app 2.0 " + fleet.slug())));
    release(other, Map.of("web", otherWeb.reference(sameTarget.digest())));
    TestDevice stranger = world.device(other.id());

    HttpResponse<byte[]> response = download(stranger, Digest.of(payload), null);

    assertThat(sameTarget.digest()).isEqualTo(pair.target().value());
    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void missingPayloadIsMadeAgain() {
    DeltaPair pair = runningPair();
    byte[] payload = storeReady(pair, 1000);
    world.context().getBean(DeltaPayloads.class).delete(Digest.of(payload));

    HttpResponse<String> response = delta(device, pair.source().value(), pair.target().value());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  @Test
  void deviceAppliesTheServedDeltaToItsBase() throws Exception {
    DeltaPair pair = runningPair();
    delta(device, pair.source().value(), pair.target().value());
    StoredDelta made = awaitFinished(pair);
    assertThat(made.state()).as(made.reason()).isEqualTo(StoredDelta.State.READY);

    JsonNode ready = json(delta(device, pair.source().value(), pair.target().value()));
    DeltaManifest manifest =
        DeltaManifests.verify(
            Bundle.parse(ready.path("bundle").toString().getBytes(StandardCharsets.UTF_8)),
            world.context().getBean(SigningKeyStore.class).trustPolicy(),
            Instant.now());
    byte[] payload = downloadInTwoRanges(manifest);
    Path scratch = Files.createTempDirectory(dataDirectory, "device-scratch");
    Path staging = Files.createTempDirectory(dataDirectory, "device-staging");
    AppliedImage applied =
        new DeltaApplier(scratch)
            .apply(
                new java.io.ByteArrayInputStream(payload),
                deviceBase(pair.source()),
                manifest.source(),
                manifest.target(),
                staging);

    assertThat(Digest.of(payload)).isEqualTo(manifest.payloadDigest());
    assertThat(payload).hasSize((int) manifest.payloadSize());
    assertThat(applied.targetManifest()).isEqualTo(pair.target());
    AppliedBlob target =
        applied.blobs().stream()
            .filter(blob -> blob.kind() == AppliedBlob.Kind.MANIFEST)
            .findFirst()
            .orElseThrow();
    assertThat(Digest.of(Files.readAllBytes(target.file()))).isEqualTo(pair.target());
    assertThat(made.payloadSize()).isLessThan(made.targetSize());
  }

  @Test
  void baseWhoseBlobsAreGoneGetsFullPull() {
    DeltaPair pair = runningPair();
    byte[] sourceLayer = LayeredImages.tar(files("app 1.0 " + fleet.slug()));
    world
        .context()
        .getBean(BlobStore.class)
        .delete(
            StorageKey.of(
                "blobs",
                "sha256",
                Digest.of(sourceLayer).hex().substring(0, 2),
                Digest.of(sourceLayer).hex()));

    delta(device, pair.source().value(), pair.target().value());
    StoredDelta finished = awaitFinished(pair);
    HttpResponse<String> response = delta(device, pair.source().value(), pair.target().value());

    assertThat(finished.state()).as(finished.reason()).isEqualTo(StoredDelta.State.FULL);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("status").asString()).isEqualTo("full");
    assertThat(json(response).path("reason").asString()).contains(Digest.of(sourceLayer).value());
  }

  @Test
  void deltaNotSmallerThanAFullPullAnswersFull() {
    DeltaPair pair = runningPair();
    // The standard maker makes these images' delta far smaller than a full pull, so a maker that
    // writes more than the pull replaces it. Registry, storage and database are real.
    DeltaMaker oversized =
        (source, sourceManifest, target, targetManifest, payload, scratch) -> {
          try {
            payload.write(new byte[2000]);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return new DeltaSummary(sourceManifest, targetManifest, 2000, 1000, 0, 1, 0);
        };
    DeltaGenerator generator =
        new DeltaGenerator(
            world.context().getBean(DeltaRepository.class),
            world.context().getBean(DeltaPayloads.class),
            oversized,
            world.context().getBean(ServerRegistryAccess.class),
            world.context().getBean(SigningKeyStore.class),
            world.context().getBean(DeltaScratch.class),
            java.time.Clock.systemUTC());
    DeltaRepository deltas = world.context().getBean(DeltaRepository.class);
    deltas.claimNew(pair, webLocation(), "test", System.currentTimeMillis());

    generator.generate(pair, webLocation(), "test");
    HttpResponse<String> response = delta(device, pair.source().value(), pair.target().value());

    assertThat(deltas.find(pair).orElseThrow().state()).isEqualTo(StoredDelta.State.FULL);
    assertThat(json(response).path("status").asString()).isEqualTo("full");
    assertThat(json(response).path("reason").asString()).contains("not smaller");
  }

  @Test
  void releaseMakesDeltasFromReportedImages() {
    LayeredImages.Pushed running = web.push(AMD64, List.of(files("base"), files("job 1")));
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("base"), files("job 2")));
    long current = release(Map.of("web", web.reference(running.digest())));
    report(device, current, "{\"web\": {\"status\": \"running\"}}");

    release(Map.of("web", web.reference(target.digest())));

    DeltaPair pair = new DeltaPair(Digest.of(running.digest()), Digest.of(target.digest()));
    StoredDelta made = world.context().getBean(DeltaRepository.class).find(pair).orElseThrow();
    assertThat(made.state()).as(made.reason()).isEqualTo(StoredDelta.State.READY);
    assertThat(json(delta(device, running.digest(), target.digest())).path("status").asString())
        .isEqualTo("ready");
  }

  @Test
  void releaseJobKeepsNewestSourceReleases() {
    List<LayeredImages.Pushed> versions = new ArrayList<>();
    for (int version = 0; version < 4; version++) {
      LayeredImages.Pushed image = web.push(AMD64, List.of(files("limit " + version)));
      versions.add(image);
      long release = release(Map.of("web", web.reference(image.digest())));
      report(world.device(fleet.id()), release, "{\"web\": {\"status\": \"running\"}}");
    }
    LayeredImages.Pushed target = web.push(AMD64, List.of(files("limit target")));

    release(Map.of("web", web.reference(target.digest())));

    DeltaRepository deltas = world.context().getBean(DeltaRepository.class);
    Digest to = Digest.of(target.digest());
    assertThat(deltas.find(new DeltaPair(Digest.of(versions.get(0).digest()), to))).isEmpty();
    for (int version = 1; version < 4; version++) {
      DeltaPair pair = new DeltaPair(Digest.of(versions.get(version).digest()), to);
      assertThat(deltas.find(pair)).as("delta from version %d", version).isPresent();
    }
  }

  @Test
  void releaseJobRunsOncePerRelease() {
    LayeredImages.Pushed image = web.push(AMD64, List.of(files("once")));
    long release = release(Map.of("web", web.reference(image.digest())));

    boolean startedAgain =
        world.context().getBean(ReleaseDeltaJob.class).start(release).isPresent();

    assertThat(startedAgain).isFalse();
  }

  @Test
  void interruptedJobIsRestartedWhenReady() {
    JobRepository jobs = world.context().getBean(JobRepository.class);
    long releaseId = 1_000_000L + fleet.id();
    JobParameters parameters =
        new JobParametersBuilder().addLong(ReleaseDeltaJob.RELEASE_ID, releaseId).toJobParameters();
    JobExecution left =
        jobs.createJobExecution(
            jobs.createJobInstance(ReleaseDeltaJob.NAME, parameters),
            parameters,
            new ExecutionContext());
    left.setStatus(BatchStatus.STARTED);
    left.setStartTime(java.time.LocalDateTime.now());
    jobs.update(left);

    int restarted = world.context().getBean(ReleaseDeltaJob.class).recoverInterrupted();

    assertThat(restarted).isEqualTo(1);
    awaitDeltaJob(releaseId);
    assertThat(jobs.getLastJobExecution(ReleaseDeltaJob.NAME, parameters).getStatus())
        .isEqualTo(BatchStatus.COMPLETED);
  }

  // Fixtures.

  /**
   * Releases two versions of {@code web} with real layers, reports the first running and returns
   * the pair between them. The device reports only after the delta job of the second release ran,
   * so the job leaves this pair to the request under test.
   */
  DeltaPair runningPair() {
    LayeredImages.Pushed running =
        web.push(AMD64, List.of(files("base"), files("app 1.0 " + fleet.slug())));
    LayeredImages.Pushed target =
        web.push(AMD64, List.of(files("base"), files("app 2.0 " + fleet.slug())));
    long current = release(Map.of("web", web.reference(running.digest())));
    release(Map.of("web", web.reference(target.digest())));
    report(device, current, "{\"web\": {\"status\": \"running\"}}");
    return new DeltaPair(Digest.of(running.digest()), Digest.of(target.digest()));
  }

  /**
   * Stores a payload of {@code size} pseudo-random bytes for {@code pair} as a made delta, signed
   * like the server signs, and returns it.
   */
  byte[] storeReady(DeltaPair pair, int size) {
    byte[] payload = new byte[size];
    new java.util.Random(pair.hashCode()).nextBytes(payload);
    Digest digest = Digest.of(payload);
    DeltaRepository deltas = world.context().getBean(DeltaRepository.class);
    assertThat(deltas.claimNew(pair, webLocation(), "test", System.currentTimeMillis())).isTrue();
    try {
      Path file = Files.createTempFile(dataDirectory, "payload", ".bin");
      Files.write(file, payload);
      world.context().getBean(DeltaPayloads.class).store(file, digest);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Bundle bundle =
        DeltaManifests.sign(
            world.context().getBean(SigningKeyStore.class).activeSigner(),
            DeltaManifest.current(pair.source(), pair.target(), size, digest),
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(
            deltas.markReady(
                pair,
                "test",
                digest,
                size,
                size * 10L,
                new String(bundle.toJson(), StandardCharsets.UTF_8),
                System.currentTimeMillis()))
        .isTrue();
    return payload;
  }

  /** Returns where the fleet's {@code web} images are read. */
  ImageLocation webLocation() {
    String prefix = fleet.org() + "/" + fleet.slug();
    return new ImageLocation(fleet.id(), prefix, prefix + "/web", prefix + "/web");
  }

  LayeredImages images(String service) {
    return new LayeredImages(world.context(), fleet.org() + "/" + fleet.slug() + "/" + service);
  }

  /** Pushes an index of {@code web} for amd64 and arm64 whose files contain {@code version}. */
  String webIndex(String version) {
    return web.pushIndex(
        List.of(
            web.push(AMD64, List.of(files(version + " amd64"))),
            web.push(ARM64, List.of(files(version + " arm64")))));
  }

  /** Returns the manifest of {@code platform} that the index {@code index} of {@code web} lists. */
  String manifestOf(String index, Platform platform) {
    return world
        .context()
        .getBean(PlatformManifests.class)
        .of(
            fleet.org() + "/" + fleet.slug(),
            io.slipway.api.release.ImageReference.parse(web.reference(index)))
        .stream()
        .filter(manifest -> platform.equals(manifest.platform()))
        .findFirst()
        .orElseThrow()
        .digest()
        .value();
  }

  /**
   * Downloads the payload of {@code manifest} as a device that resumes an interrupted download
   * does: the first half, then the rest from where it stopped.
   */
  byte[] downloadInTwoRanges(DeltaManifest manifest) {
    long half = manifest.payloadSize() / 2;
    HttpResponse<byte[]> first =
        download(device, manifest.payloadDigest(), "bytes=0-" + (half - 1));
    HttpResponse<byte[]> rest = download(device, manifest.payloadDigest(), "bytes=" + half + "-");
    assertThat(first.statusCode()).isEqualTo(206);
    assertThat(rest.statusCode()).isEqualTo(206);
    byte[] payload = new byte[first.body().length + rest.body().length];
    System.arraycopy(first.body(), 0, payload, 0, first.body().length);
    System.arraycopy(rest.body(), 0, payload, first.body().length, rest.body().length);
    return payload;
  }

  /**
   * Returns the base image as the device has it. The device's own store is out of reach here, so
   * the test reads the same bytes from the server's registry with a builder secret of the fleet.
   */
  ImageContent deviceBase(Digest manifest) {
    RegistryClient client =
        world
            .context()
            .getBean(ServerRegistryAccess.class)
            .client(
                fleet.org() + "/" + fleet.slug(), Duration.ofMinutes(5), Duration.ofSeconds(30));
    return new RegistryImageContent(client, fleet.org() + "/" + fleet.slug() + "/web", manifest);
  }

  /** Returns a few files whose content names {@code version}. */
  static Map<String, byte[]> files(String version) {
    String text = "version " + version + "\n";
    return Map.of(
        "etc/version", text.getBytes(StandardCharsets.UTF_8),
        "usr/lib/app.txt", (text + "x".repeat(4000)).getBytes(StandardCharsets.UTF_8),
        "usr/share/doc/readme", "unchanged\n".repeat(200).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Creates a release of the fleet with {@code services}, finishes it {@code SUCCESS} (which signs
   * it), waits for its delta job and returns its id.
   */
  long release(Map<String, String> services) {
    return release(fleet, services);
  }

  /** Finishes a release of {@code owner} with {@code services} and waits for its delta job. */
  long release(TestFleet owner, Map<String, String> services) {
    long id = world.createRelease(owner.org(), owner.slug(), owner.developer());
    StringBuilder body = new StringBuilder("{\"services\": {");
    services.forEach(
        (name, image) ->
            body.append(body.charAt(body.length() - 1) == '{' ? "" : ",")
                .append('"')
                .append(name)
                .append("\": {\"image\": \"")
                .append(image)
                .append("\"}"));
    body.append("}, \"status\": \"SUCCESS\"}");
    HttpResponse<String> finished =
        world.call("PATCH", "/api/v1/releases/" + id, body.toString(), owner.developer());
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    awaitDeltaJob(id);
    return id;
  }

  void awaitDeltaJob(long releaseId) {
    JobRepository jobs = world.context().getBean(JobRepository.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JobExecution execution =
          jobs.getLastJobExecution(
              ReleaseDeltaJob.NAME,
              new JobParametersBuilder()
                  .addLong(ReleaseDeltaJob.RELEASE_ID, releaseId)
                  .toJobParameters());
      if (execution != null
          && !execution.getStatus().isRunning()
          && execution.getStatus() != BatchStatus.STARTING) {
        return;
      }
      sleep();
    }
    throw new AssertionError("The delta job of release " + releaseId + " did not end in 60 s");
  }

  /** Waits until the row of {@code pair} has left {@code GENERATING}; returns it. */
  StoredDelta awaitFinished(DeltaPair pair) {
    DeltaRepository deltas = world.context().getBean(DeltaRepository.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      StoredDelta row = deltas.find(pair).orElse(null);
      if (row != null && row.state() != StoredDelta.State.GENERATING) {
        return row;
      }
      sleep();
    }
    throw new AssertionError("Delta " + pair + " was not finished in 120 s");
  }

  void report(TestDevice reporter, long releaseId, String services) {
    HttpResponse<String> response =
        world.call(
            "PATCH",
            "/device/v1/" + reporter.uuid() + "/state",
            "{\"releaseId\": " + releaseId + ", \"services\": " + services + "}",
            reporter.key());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  HttpResponse<String> delta(TestDevice caller, String from, String to) {
    String query = "to=" + to + (from == null ? "" : "&from=" + from);
    return world.call("GET", "/device/v1/delta?" + query, null, caller.key());
  }

  HttpResponse<byte[]> download(TestDevice caller, Digest payload, String range) {
    return world
        .http()
        .getBytes(
            "/device/v1/delta/payloads/" + payload,
            range == null
                ? new String[] {"Authorization", "Bearer " + caller.key()}
                : new String[] {"Authorization", "Bearer " + caller.key(), "Range", range});
  }

  static String code(HttpResponse<String> response) {
    return json(response).path("code").asString();
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting", e);
    }
  }
}
