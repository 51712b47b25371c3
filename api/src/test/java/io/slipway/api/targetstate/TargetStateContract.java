package io.slipway.api.targetstate;

import static io.slipway.api.release.ReleaseWorld.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.event.FleetTargetChanged;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import tools.jackson.databind.JsonNode;

/**
 * Promotion, target state and state reports through the running server; subclasses pick the
 * database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TargetStateContract {

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;
  private final List<FleetTargetChanged> events = new CopyOnWriteArrayList<>();

  private String org;
  private String fleet;
  private long fleetId;
  private String developer;
  private String manager;
  private TestDevice device;

  /** Returns a fresh database for the server of this class. */
  abstract TestDatabase database();

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(database(), dataDirectory);
    world
        .context()
        .addApplicationListener(
            (ApplicationListener<PayloadApplicationEvent<?>>)
                event -> {
                  if (event.getPayload() instanceof FleetTargetChanged changed) {
                    events.add(changed);
                  }
                });
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @BeforeEach
  void createFleet() {
    TestFleet created = world.newFleet();
    org = created.org();
    fleet = created.slug();
    fleetId = created.id();
    developer = created.developer();
    manager = created.member(world, Role.RELEASE_MANAGER);
    device = world.device(fleetId);
  }

  @Test
  void deviceWithoutATargetGetsAnEmptyState() {
    JsonNode state = json(state(device));

    assertThat(state.get("release").isNull()).isTrue();
    assertThat(state.get("services").isEmpty()).isTrue();
  }

  @Test
  void trackingFleetRunsLatestSuccess() {
    world.successfulRelease(org, fleet, developer);
    long latest = world.successfulRelease(org, fleet, developer);

    assertThat(targetOf(device)).isEqualTo(latest);
  }

  @Test
  void stateNamesEachServiceByDigest() {
    world.successfulRelease(org, fleet, developer);

    JsonNode web = json(state(device)).get("services").get("web");

    assertThat(web.get("image").asString()).isEqualTo(world.pushImage(org, fleet, "web"));
  }

  @Test
  void runningReleaseIsNoTarget() {
    long done = world.successfulRelease(org, fleet, developer);
    world.createRelease(org, fleet, developer);

    assertThat(targetOf(device)).isEqualTo(done);
  }

  @Test
  void pinnedFleetIgnoresNewerReleases() {
    long pinned = world.successfulRelease(org, fleet, developer);
    assertThat(putTarget("{\"releaseId\": " + pinned + "}").statusCode()).isEqualTo(200);

    world.successfulRelease(org, fleet, developer);

    assertThat(targetOf(device)).isEqualTo(pinned);
  }

  @Test
  void trackLatestMovesPinnedFleetOn() {
    long pinned = world.successfulRelease(org, fleet, developer);
    putTarget("{\"releaseId\": " + pinned + "}");
    long latest = world.successfulRelease(org, fleet, developer);

    putTarget("{\"trackLatest\": true}");

    assertThat(targetOf(device)).isEqualTo(latest);
  }

  @Test
  void devicePinOverridesTheFleet() {
    long pinned = world.successfulRelease(org, fleet, developer);
    world.successfulRelease(org, fleet, developer);

    HttpResponse<String> response =
        world.call("PUT", pinPath(device), "{\"releaseId\": " + pinned + "}", manager);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(targetOf(device)).isEqualTo(pinned);
  }

  @Test
  void devicePinLeavesOtherDevicesAlone() {
    long pinned = world.successfulRelease(org, fleet, developer);
    long latest = world.successfulRelease(org, fleet, developer);
    TestDevice other = world.device(fleetId);

    world.call("PUT", pinPath(device), "{\"releaseId\": " + pinned + "}", manager);

    assertThat(targetOf(other)).isEqualTo(latest);
  }

  @Test
  void removingAPinReturnsTheDeviceToItsFleet() {
    long pinned = world.successfulRelease(org, fleet, developer);
    long latest = world.successfulRelease(org, fleet, developer);
    world.call("PUT", pinPath(device), "{\"releaseId\": " + pinned + "}", manager);

    world.call("DELETE", pinPath(device), null, manager);

    assertThat(targetOf(device)).isEqualTo(latest);
  }

  @Test
  void devicesLeaveAnInvalidatedRelease() {
    long previous = world.successfulRelease(org, fleet, developer);
    long bad = world.successfulRelease(org, fleet, developer);

    HttpResponse<String> response =
        world.call("POST", "/api/v1/releases/" + bad + "/invalidate", null, manager);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(targetOf(device)).isEqualTo(previous);
  }

  @Test
  void invalidatedDevicePinFallsThrough() {
    long good = world.successfulRelease(org, fleet, developer);
    long bad = world.successfulRelease(org, fleet, developer);
    world.call("PUT", pinPath(device), "{\"releaseId\": " + bad + "}", manager);

    world.call("POST", "/api/v1/releases/" + bad + "/invalidate", null, manager);

    assertThat(targetOf(device)).isEqualTo(good);
  }

  @Test
  void invalidatedReleaseCannotBePinned() {
    long bad = world.successfulRelease(org, fleet, developer);
    world.call("POST", "/api/v1/releases/" + bad + "/invalidate", null, manager);

    HttpResponse<String> response = putTarget("{\"releaseId\": " + bad + "}");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_NOT_DEPLOYABLE");
  }

  @Test
  void runningReleaseCannotBePinned() {
    long running = world.createRelease(org, fleet, developer);

    HttpResponse<String> response =
        world.call("PUT", pinPath(device), "{\"releaseId\": " + running + "}", manager);

    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_NOT_DEPLOYABLE");
  }

  @Test
  void releaseOfAnotherFleetCannotBePinned() {
    TestFleet other = world.newFleet();
    long foreign = world.successfulRelease(other.org(), other.slug(), other.developer());

    HttpResponse<String> response =
        world.call("PUT", pinPath(device), "{\"releaseId\": " + foreign + "}", manager);

    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_NOT_FOUND");
  }

  @Test
  void developerCannotPromote() {
    long release = world.successfulRelease(org, fleet, developer);

    HttpResponse<String> response =
        world.call(
            "PUT",
            "/api/v1/orgs/" + org + "/fleets/" + fleet + "/target",
            "{\"releaseId\": " + release + "}",
            developer);

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void unchangedStateReturns304WithoutBody() {
    world.successfulRelease(org, fleet, developer);
    String etag = state(device).headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again = state(device, "If-None-Match", etag);

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void changedTargetReturnsNewETag() {
    long first = world.successfulRelease(org, fleet, developer);
    String etag = state(device).headers().firstValue("ETag").orElseThrow();

    world.call("PUT", pinPath(device), "{\"releaseId\": " + first + "}", manager);
    HttpResponse<String> again = state(device, "If-None-Match", etag);

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
  }

  @Test
  void newReleaseOfTrackingFleetChangesETag() {
    world.successfulRelease(org, fleet, developer);
    String etag = state(device).headers().firstValue("ETag").orElseThrow();

    long next = world.successfulRelease(org, fleet, developer);
    HttpResponse<String> again = state(device, "If-None-Match", etag);

    assertThat(json(again).get("release").get("id").asLong()).isEqualTo(next);
  }

  @Test
  void fleetVariableReachesServiceEnvironment() {
    world.successfulRelease(org, fleet, developer);
    String etag = state(device).headers().firstValue("ETag").orElseThrow();

    world.call("PUT", variablePath("MODE"), "{\"value\": \"debug\"}", developer);
    HttpResponse<String> again = state(device, "If-None-Match", etag);

    assertThat(json(again).get("services").get("web").get("environment").get("MODE").asString())
        .isEqualTo("debug");
  }

  @Test
  void configurationVariablesReachTheDevice() {
    world.call("PUT", variablePath("SLIPWAY_POLL_INTERVAL"), "{\"value\": \"30\"}", developer);

    JsonNode config = json(state(device)).get("config");

    assertThat(config.get("SLIPWAY_POLL_INTERVAL").asString()).isEqualTo("30");
  }

  @Test
  void deviceCannotReadOtherDeviceState() {
    TestDevice other = world.device(fleetId);

    HttpResponse<String> response =
        world.call("GET", "/device/v1/" + other.uuid() + "/state", null, device.key());

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void userCannotReadTheDeviceSideState() {
    HttpResponse<String> response =
        world.call("GET", "/device/v1/" + device.uuid() + "/state", null, manager);

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void deviceReadsItsFleetsBuildLog() {
    long release = world.createRelease(org, fleet, developer);
    world.call(
        "POST", "/api/v1/releases/" + release + "/logs", "{\"lines\": [\"step 1\"]}", developer);

    HttpResponse<String> response =
        world.call("GET", buildLogPath(device, release), null, device.key());

    assertThat(json(response).get(0).get("line").asString()).isEqualTo("step 1");
  }

  @Test
  void deviceCannotReadOtherFleetsBuildLog() {
    TestFleet other = world.newFleet();
    long foreign = world.createRelease(other.org(), other.slug(), other.developer());

    HttpResponse<String> response =
        world.call("GET", buildLogPath(device, foreign), null, device.key());

    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_NOT_FOUND");
  }

  @Test
  void reportIsShownToMembers() {
    long release = world.successfulRelease(org, fleet, developer);
    world.call(
        "PATCH",
        "/device/v1/" + device.uuid() + "/state",
        "{\"releaseId\": "
            + release
            + ", \"services\": {\"web\": {\"status\": \"running\", \"healthy\": true}},"
            + " \"osVersion\": \"slipway-os 1.2\"}",
        device.key());

    JsonNode shown =
        json(world.call("GET", "/api/v1/devices/" + device.uuid() + "/state", null, manager));

    assertThat(shown.get("reported").get("status").asString()).isEqualTo("RUNNING");
    assertThat(shown.get("reported").get("releaseId").asLong()).isEqualTo(release);
  }

  @Test
  void reportedImageDigestIsStoredPerService() {
    long release = world.successfulRelease(org, fleet, developer);
    world.call(
        "PATCH",
        "/device/v1/" + device.uuid() + "/state",
        "{\"releaseId\": "
            + release
            + ", \"services\": {\"web\": {\"status\": \"running\", \"image\": \""
            + ReleaseWorld.DIGEST
            + "\"}}}",
        device.key());

    JsonNode shown =
        json(world.call("GET", "/api/v1/devices/" + device.uuid() + "/state", null, manager));

    assertThat(shown.path("reported").path("services").path("web").path("image").asString())
        .isEqualTo(ReleaseWorld.DIGEST);
    assertThat(
            world
                .context()
                .getBean(ReportedStates.class)
                .find(device.id())
                .orElseThrow()
                .services()
                .get("web")
                .image())
        .isEqualTo(ReleaseWorld.DIGEST);
  }

  @Test
  void reportWithoutImageLeavesItOut() {
    world.call(
        "PATCH",
        "/device/v1/" + device.uuid() + "/state",
        "{\"services\": {\"web\": {\"status\": \"running\"}}}",
        device.key());

    JsonNode shown =
        json(world.call("GET", "/api/v1/devices/" + device.uuid() + "/state", null, manager));

    assertThat(shown.path("reported").path("services").path("web").has("image")).isFalse();
  }

  @Test
  void reportedImageThatIsNoDigestIsRejected() {
    HttpResponse<String> response =
        world.call(
            "PATCH",
            "/device/v1/" + device.uuid() + "/state",
            "{\"services\": {\"web\": {\"status\": \"running\", \"image\": \"web:latest\"}}}",
            device.key());

    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_STATE_REPORT");
    assertThat(json(response).get("message").asString()).contains("web:latest");
  }

  @Test
  void reportedDownloadDetailsAreShownToMembers() {
    long release = world.successfulRelease(org, fleet, developer);
    HttpResponse<String> patched =
        patchState(
            device,
            "{\"releaseId\": "
                + release
                + ", \"services\": {\"web\": {\"status\": \"downloading\","
                + " \"downloadedBytes\": 250, \"downloadSize\": 1000,"
                + " \"updateMethod\": \"full\","
                + " \"message\": \"no delta from sha256:aa: pulled in full\"}}}");

    JsonNode web = shownServices(device).path("web");

    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(web.path("downloadedBytes").asLong()).isEqualTo(250);
    assertThat(web.path("downloadSize").asLong()).isEqualTo(1000);
    assertThat(web.path("updateMethod").asString()).isEqualTo("full");
    assertThat(web.path("message").asString()).isEqualTo("no delta from sha256:aa: pulled in full");
  }

  @Test
  void reportedBytesFillTheDownloadProgress() {
    patchState(
        device,
        "{\"services\": {\"web\": {\"status\": \"downloading\","
            + " \"downloadedBytes\": 1, \"downloadSize\": 3, \"updateMethod\": \"delta\"}}}");

    assertThat(shownServices(device).path("web").path("downloadProgress").asInt()).isEqualTo(33);
  }

  @Test
  void reportedDownloadProgressIsKeptAsSent() {
    patchState(
        device,
        "{\"services\": {\"web\": {\"status\": \"downloading\", \"downloadProgress\": 70,"
            + " \"downloadedBytes\": 1, \"downloadSize\": 3}}}");

    assertThat(shownServices(device).path("web").path("downloadProgress").asInt()).isEqualTo(70);
  }

  @Test
  void reportWithoutDownloadDetailsLeavesThemOut() {
    patchState(device, "{\"services\": {\"web\": {\"status\": \"running\"}}}");

    JsonNode web = shownServices(device).path("web");

    assertThat(web.has("downloadedBytes")).isFalse();
    assertThat(web.has("updateMethod")).isFalse();
    assertThat(web.has("message")).isFalse();
  }

  @Test
  void reportedUpdateMethodIsStoredPerService() {
    patchState(
        device,
        "{\"services\": {\"web\": {\"status\": \"running\", \"updateMethod\": \"delta\"}}}");

    ServiceReport stored =
        world
            .context()
            .getBean(ReportedStates.class)
            .find(device.id())
            .orElseThrow()
            .services()
            .get("web");

    assertThat(stored.update().method()).isEqualTo(UpdateMethod.DELTA);
  }

  @Test
  void overLongMessageIsRejected() {
    HttpResponse<String> response =
        patchState(
            device,
            "{\"services\": {\"web\": {\"status\": \"failed\", \"message\": \""
                + "x".repeat(ServiceUpdate.MAX_MESSAGE + 1)
                + "\"}}}");

    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_STATE_REPORT");
    assertThat(json(response).get("message").asString()).contains("501 characters");
  }

  @Test
  void unknownUpdateMethodIsRejected() {
    HttpResponse<String> response =
        patchState(
            device,
            "{\"services\": {\"web\": {\"status\": \"downloading\", \"updateMethod\": \"rsync\"}}}");

    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_STATE_REPORT");
    assertThat(json(response).get("message").asString()).contains("rsync");
  }

  @Test
  void negativeDownloadedBytesAreRejected() {
    HttpResponse<String> response =
        patchState(
            device,
            "{\"services\": {\"web\": {\"status\": \"downloading\", \"downloadedBytes\": -5}}}");

    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_STATE_REPORT");
    assertThat(json(response).get("message").asString()).contains("-5");
  }

  @Test
  void reportsAreCountedByRelease() {
    long release = world.successfulRelease(org, fleet, developer);
    TestDevice failing = world.device(fleetId);
    report(device, release, "running");
    report(failing, release, "failed");

    Map<DeviceRunState, Long> counts =
        world
            .context()
            .getBean(ReportedStates.class)
            .countByRelease(release, List.of(device.id(), failing.id()), 0);

    assertThat(counts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(DeviceRunState.RUNNING, 1L, DeviceRunState.FAILED, 1L));
  }

  @Test
  void reportWithUnknownStatusIsRejected() {
    HttpResponse<String> response =
        world.call(
            "PATCH",
            "/device/v1/" + device.uuid() + "/state",
            "{\"services\": {\"web\": {\"status\": \"sleeping\"}}}",
            device.key());

    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_STATE_REPORT");
  }

  @Test
  void fleetTargetChangeIsAudited() {
    long release = world.successfulRelease(org, fleet, developer);
    long before = targetChangesAudited();

    putTarget("{\"releaseId\": " + release + "}");

    assertThat(targetChangesAudited()).isEqualTo(before + 1);
  }

  @Test
  void fleetTargetChangeIsPublished() {
    long release = world.successfulRelease(org, fleet, developer);
    events.clear();

    putTarget("{\"releaseId\": " + release + "}");

    assertThat(events)
        .contains(FleetTargetChanged.wholeFleet(fleetId, release, "fleet.target.changed"));
  }

  @Test
  void successInTrackingFleetIsPublished() {
    events.clear();

    long release = world.successfulRelease(org, fleet, developer);

    assertThat(events)
        .contains(FleetTargetChanged.wholeFleet(fleetId, release, "release.finished"));
  }

  @Test
  void invalidationIsAuditedAndPublished() {
    long release = world.successfulRelease(org, fleet, developer);
    events.clear();

    world.call("POST", "/api/v1/releases/" + release + "/invalidate", null, manager);

    assertThat(auditCount("release.invalidated", String.valueOf(release))).isEqualTo(1);
    assertThat(events)
        .contains(FleetTargetChanged.wholeFleet(fleetId, null, "release.invalidated"));
  }

  @Test
  void devicePinIsAuditedAndPublished() {
    long release = world.successfulRelease(org, fleet, developer);
    events.clear();

    world.call("PUT", pinPath(device), "{\"releaseId\": " + release + "}", manager);

    assertThat(auditCount("device.pinned", device.uuid())).isEqualTo(1);
    assertThat(events)
        .contains(
            new FleetTargetChanged(fleetId, List.of(device.uuid()), release, "device.pinned"));
  }

  private long auditCount(String action, String target) {
    return world
        .jdbc()
        .sql("SELECT COUNT(*) FROM audit_log WHERE action = ? AND target = ?")
        .params(action, target)
        .query(Long.class)
        .single();
  }

  private long targetChangesAudited() {
    return auditCount("fleet.target.changed", org + "/" + fleet);
  }

  private void report(TestDevice reporter, long release, String status) {
    HttpResponse<String> response =
        world.call(
            "PATCH",
            "/device/v1/" + reporter.uuid() + "/state",
            "{\"releaseId\": "
                + release
                + ", \"services\": {\"web\": {\"status\": \""
                + status
                + "\"}}}",
            reporter.key());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> patchState(TestDevice reporter, String body) {
    return world.call("PATCH", "/device/v1/" + reporter.uuid() + "/state", body, reporter.key());
  }

  private JsonNode shownServices(TestDevice reported) {
    JsonNode shown =
        json(world.call("GET", "/api/v1/devices/" + reported.uuid() + "/state", null, manager));
    return shown.path("reported").path("services");
  }

  private HttpResponse<String> putTarget(String body) {
    return world.call("PUT", "/api/v1/orgs/" + org + "/fleets/" + fleet + "/target", body, manager);
  }

  private long targetOf(TestDevice target) {
    JsonNode release = json(state(target)).get("release");
    return release.isNull() ? 0 : release.get("id").asLong();
  }

  private HttpResponse<String> state(TestDevice target, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = "Bearer " + target.key();
    System.arraycopy(headers, 0, all, 2, headers.length);
    return world.http().get("/device/v1/" + target.uuid() + "/state", all);
  }

  private String variablePath(String name) {
    return "/api/v1/orgs/" + org + "/fleets/" + fleet + "/variables/" + name;
  }

  private static String buildLogPath(TestDevice reader, long release) {
    return "/device/v1/" + reader.uuid() + "/fleet/releases/" + release + "/logs";
  }

  private static String pinPath(TestDevice target) {
    return "/api/v1/devices/" + target.uuid() + "/pin";
  }
}
