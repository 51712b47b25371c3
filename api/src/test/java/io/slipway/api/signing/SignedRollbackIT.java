package io.slipway.api.signing;

import static io.slipway.api.release.ReleaseWorld.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.release.PinDocument;
import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.RollbackGuard;
import io.slipway.signing.state.TargetStateDocument;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.image.BusyboxImages;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A device moving back to an older release, end to end: two prebuilt releases that the server
 * signs, a release manager's pin of the older one, and the device's checks with the signing
 * library. The device reads only what the server sends it: the trust policy, the signed target
 * state and the release document.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedRollbackIT {

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;
  private String admin;

  @BeforeAll
  void startServer() throws Exception {
    world = ReleaseWorld.start(TestDatabase.h2(), dataDirectory);
    admin = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @Test
  void signedPinAllowsTheOlderRelease() {
    TestFleet fleet = world.newFleet();
    String fleetName = fleet.org() + "/" + fleet.slug();
    ServerRegistryAccess access = world.context().getBean(ServerRegistryAccess.class);
    BusyboxImages.push(
        access.registry(),
        fleetName + "/web",
        "1.0",
        "developer-" + fleet.slug(),
        fleet.developer());
    long older = deploy(fleet);
    long newer = deploy(fleet);
    TestDevice device = world.device(fleet.id());

    TargetStateDocument unpinned = stateOf(device);
    expect(
        world.call(
            "PUT",
            "/api/v1/devices/" + device.uuid() + "/pin",
            "{\"releaseId\":" + older + "}",
            admin),
        200);
    TargetStateDocument pinned = stateOf(device);
    PinDocument pin = PinDocument.verify(pinned.pin(), trustPolicy(device), Instant.now());
    ReleaseDocument candidate = releaseDocument(device, older);

    assertThat(unpinned.target().releaseId()).isEqualTo(newer);
    assertThat(pinned.target().releaseId()).isEqualTo(older);
    assertThat(pinned.target().releaseDigest()).isEqualTo(candidate.digest());
    assertThat(pinned.target().sequence()).isEqualTo(candidate.sequence());
    assertThat(pinned.target().sequence()).isLessThan(unpinned.target().sequence());
    RollbackGuard.check(candidate, fleetName, device.uuid(), unpinned.target().sequence(), pin);
    assertThatThrownBy(
            () ->
                RollbackGuard.check(
                    candidate, fleetName, device.uuid(), unpinned.target().sequence(), null))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.ROLLBACK);
  }

  private long deploy(TestFleet fleet) {
    HttpResponse<String> response =
        world.call(
            "POST",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/deployments",
            "{\"tag\":\"1.0\"}",
            fleet.developer());
    JsonNode release = json(expect(response, 201));
    assertThat(release.path("status").asString()).as(response.body()).isEqualTo("SUCCESS");
    return release.path("id").asLong();
  }

  private TargetStateDocument stateOf(TestDevice device) {
    HttpResponse<String> response =
        expect(
            world.call("GET", "/device/v1/" + device.uuid() + "/state/signed", null, device.key()),
            200);
    return TargetStateDocument.verify(
        EnvelopeJson.read(response.body().getBytes(StandardCharsets.UTF_8)),
        trustPolicy(device),
        device.uuid(),
        null,
        Instant.now());
  }

  private ReleaseDocument releaseDocument(TestDevice device, long releaseId) {
    HttpResponse<String> response =
        expect(
            world.call(
                "GET",
                "/device/v1/" + device.uuid() + "/releases/" + releaseId + "/signature",
                null,
                device.key()),
            200);
    return ReleaseDocument.parse(
        Base64.getDecoder().decode(json(response).get("document").asString()));
  }

  private TrustPolicy trustPolicy(TestDevice device) {
    HttpResponse<String> response =
        expect(
            world.call("GET", "/device/v1/" + device.uuid() + "/signing-keys", null, device.key()),
            200);
    return TrustPolicies.parse(json(response));
  }

  private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response;
  }
}
