package io.slipway.api.releasesigning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The per-fleet release sequence and the stored signatures, in a running server's database:
 * numbering per fleet, concurrency, a failed signing that gives its number back, the signature in
 * the release view and the device endpoint that serves it. The document and bundle here are
 * placeholders; the signing itself is tested with real builds and deploys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignatureRecorderIT {

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;
  private SignatureRecorder recorder;

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(TestDatabase.h2(), dataDirectory);
    recorder = world.context().getBean(SignatureRecorder.class);
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @Test
  void sequencesIncreasePerFleet() {
    TestFleet first = world.newFleet();
    TestFleet second = world.newFleet();

    long a1 = sign(first, newRelease(first)).sequence();
    long b1 = sign(second, newRelease(second)).sequence();
    long a2 = sign(first, newRelease(first)).sequence();

    assertThat(a1).isEqualTo(1);
    assertThat(b1).isEqualTo(1);
    assertThat(a2).isEqualTo(2);
  }

  @Test
  void concurrentSignersGetDistinctSequences() throws Exception {
    TestFleet fleet = world.newFleet();
    List<Long> releases = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      releases.add(newRelease(fleet));
    }

    List<Long> sequences = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ReleaseSignature>> signed = new ArrayList<>();
      for (long release : releases) {
        signed.add(pool.submit(() -> sign(fleet, release)));
      }
      for (Future<ReleaseSignature> future : signed) {
        sequences.add(future.get().sequence());
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(sequences).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void failedSigningGivesItsSequenceBack() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);

    assertThatThrownBy(
            () ->
                recorder.record(
                    release,
                    fleet.id(),
                    sequence -> {
                      throw new IllegalStateException("key store unavailable");
                    }))
        .hasMessageContaining("key store unavailable");

    assertThat(sign(fleet, release).sequence()).isEqualTo(1);
  }

  @Test
  void signedReleaseKeepsItsFirstSignature() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);
    ReleaseSignature first = sign(fleet, release);

    ReleaseSignature again = sign(fleet, release);

    assertThat(again.sequence()).isEqualTo(first.sequence());
    assertThat(again.documentDigest()).isEqualTo(first.documentDigest());
    assertThat(sign(fleet, newRelease(fleet)).sequence()).isEqualTo(2);
  }

  @Test
  void signatureOfAnotherSequenceIsRejected() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);

    assertThatThrownBy(
            () ->
                recorder.record(
                    release, fleet.id(), sequence -> placeholder(fleet, release, sequence + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("which was given sequence 1");
  }

  @Test
  void releaseViewShowsTheSignature() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);
    ReleaseSignature signature = sign(fleet, release);

    JsonNode view =
        ReleaseWorld.json(
            world.call("GET", "/api/v1/releases/" + release, null, fleet.developer()));

    JsonNode body = view.path("signature");
    assertThat(body.path("sequence").asLong()).isEqualTo(1);
    assertThat(body.path("documentDigest").asString()).isEqualTo(signature.documentDigest());
    assertThat(body.path("keyHint").asString()).isEqualTo(signature.keyHint());
  }

  @Test
  void unsignedReleaseViewHasNoSignature() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);

    JsonNode view =
        ReleaseWorld.json(
            world.call("GET", "/api/v1/releases/" + release, null, fleet.developer()));

    assertThat(view.path("signature").isNull()).as(view.toString()).isTrue();
  }

  @Test
  void deviceReadsItsOwnReleaseSignature() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);
    ReleaseSignature signature = sign(fleet, release);
    TestDevice device = world.device(fleet.id());

    HttpResponse<String> response = signatureOf(device, release);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = ReleaseWorld.json(response);
    assertThat(Base64.getDecoder().decode(body.path("document").asString()))
        .isEqualTo(signature.document());
    assertThat(body.path("documentDigest").asString()).isEqualTo(signature.documentDigest());
    assertThat(body.path("bundle").isObject()).isTrue();
  }

  @Test
  void deviceCannotReadAnotherFleetsSignature() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);
    sign(fleet, release);
    TestDevice stranger = world.device(world.newFleet().id());

    HttpResponse<String> response = signatureOf(stranger, release);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("RELEASE_NOT_FOUND");
  }

  @Test
  void unsignedReleaseHasNoDeviceSignature() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);
    TestDevice device = world.device(fleet.id());

    HttpResponse<String> response = signatureOf(device, release);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("RELEASE_NOT_SIGNED");
  }

  @Test
  void userKeyCannotReadDeviceSignature() {
    TestFleet fleet = world.newFleet();
    long release = newRelease(fleet);
    sign(fleet, release);
    TestDevice device = world.device(fleet.id());

    HttpResponse<String> response =
        world.call(
            "GET",
            "/device/v1/" + device.uuid() + "/releases/" + release + "/signature",
            null,
            fleet.developer());

    assertThat(response.statusCode()).isIn(403, 404);
  }

  private HttpResponse<String> signatureOf(TestDevice device, long release) {
    return world.call(
        "GET",
        "/device/v1/" + device.uuid() + "/releases/" + release + "/signature",
        null,
        device.key());
  }

  private ReleaseSignature sign(TestFleet fleet, long release) {
    return recorder.record(release, fleet.id(), sequence -> placeholder(fleet, release, sequence));
  }

  private static ReleaseSignature placeholder(TestFleet fleet, long release, long sequence) {
    byte[] document =
        ("{\"fleet\":\"" + fleet.org() + "/" + fleet.slug() + "\",\"sequence\":" + sequence + "}")
            .getBytes(StandardCharsets.UTF_8);
    return new ReleaseSignature(
        release,
        fleet.id(),
        sequence,
        document,
        io.slipway.builder.registry.Manifest.sha256(document),
        "{}".getBytes(StandardCharsets.UTF_8),
        "hint",
        Instant.ofEpochMilli(1_700_000_000_000L));
  }

  private long newRelease(TestFleet fleet) {
    return ReleaseWorld.json(
            world.call(
                "POST",
                "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/releases",
                "{}",
                fleet.developer()))
        .path("id")
        .asLong();
  }
}
