package io.slipway.api.rollout;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.api.rollout.RolloutWorld.TestDevice;
import io.slipway.api.rollout.RolloutWorld.TestFleet;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Staged rollouts through a running server, with devices that report through their own keys. */
class RolloutIT {

  private static final String THREE_GROUPS =
      "{\"releaseId\": %d, \"groups\": [{\"tag\": \"canary\"}, {\"percentage\": 50}]}";

  @TempDir static Path dataDirectory;

  private static RolloutWorld world;

  @BeforeAll
  static void startServer() {
    world = RolloutWorld.start(TestDatabase.h2(), dataDirectory);
  }

  @AfterAll
  static void stopServer() {
    world.close();
  }

  @Test
  void rolloutWidensUntilFleetTargetsRelease() {
    TestFleet fleet = world.fleet(10);
    world.tag(fleet.devices().get(3), "canary");
    world.tag(fleet.devices().get(7), "canary");

    JsonNode created = world.created(fleet, THREE_GROUPS.formatted(fleet.releaseId()));
    long id = created.path("id").asLong();
    assertThat(created.path("state").asString()).isEqualTo("RUNNING");
    assertThat(created.path("groups")).hasSize(3);
    assertThat(created.path("groups").get(2).path("percentage").asInt()).isEqualTo(100);
    assertThat(world.groupDevices(id, 0))
        .containsExactlyInAnyOrder(fleet.devices().get(3).uuid(), fleet.devices().get(7).uuid());
    assertThat(world.targetReleaseOf(fleet.devices().get(3))).isEqualTo(fleet.releaseId());
    assertThat(world.targetReleaseOf(fleet.devices().get(0))).isEqualTo(fleet.previousReleaseId());

    world.tick();
    assertThat(world.rollout(id).path("currentGroup").asInt()).isZero();

    reportRunning(fleet, world.groupDevices(id, 0));
    world.tick();
    JsonNode second = world.rollout(id);
    assertThat(second.path("currentGroup").asInt()).isEqualTo(1);
    assertThat(second.path("groups").get(0).path("runningHealthy").asInt()).isEqualTo(2);
    assertThat(second.path("groups").get(1).path("targeted").asInt()).isEqualTo(3);
    assertThat(second.path("groups").get(1).path("pending").asInt()).isEqualTo(3);

    reportRunning(fleet, world.groupDevices(id, 1));
    world.tick();
    assertThat(world.rollout(id).path("groups").get(2).path("targeted").asInt()).isEqualTo(5);

    reportRunning(fleet, world.groupDevices(id, 2));
    world.tick();
    JsonNode completed = world.rollout(id);
    assertThat(completed.path("state").asString()).isEqualTo("COMPLETED");
    assertThat(completed.path("finishedAt").isNull()).isFalse();

    JsonNode target = fleetTarget(fleet);
    assertThat(target.path("releaseId").asLong()).isEqualTo(fleet.releaseId());
    assertThat(target.path("trackLatest").asBoolean()).isFalse();
    assertThat(devicesWithRolloutRelease(fleet)).isZero();
    for (TestDevice device : fleet.devices()) {
      assertThat(world.targetReleaseOf(device)).isEqualTo(fleet.releaseId());
    }
  }

  @Test
  void groupStepsAreAuditedAsTargetChanges() {
    TestFleet fleet = world.fleet(4);
    long id =
        world
            .created(
                fleet,
                "{\"releaseId\": " + fleet.releaseId() + ", \"groups\": [{\"percentage\": 50}]}")
            .path("id")
            .asLong();
    reportRunning(fleet, world.groupDevices(id, 0));
    world.tick();
    reportRunning(fleet, world.groupDevices(id, 1));
    world.tick();

    List<String> actions = new ArrayList<>();
    List<JsonNode> targetChanges = new ArrayList<>();
    JsonNode entries =
        expect(
                world
                    .fixture()
                    .get(
                        "/api/v1/orgs/" + fleet.org() + "/audit-log", world.fixture().adminToken()),
                200)
            .json();
    for (JsonNode entry : entries) {
      actions.add(entry.path("action").asString());
      if (entry.path("details").path("rolloutId").asLong() == id
          && entry.path("action").asString().equals("fleet.target.changed")) {
        targetChanges.add(entry);
      }
    }

    assertThat(actions).contains("rollout.created", "rollout.started", "rollout.completed");
    assertThat(targetChanges).hasSize(3);
    assertThat(targetChanges.get(1).path("actor").asString()).isEqualTo("system:rollout-scheduler");
  }

  @Test
  void tagGroupMatchesNameAndValue() {
    TestFleet fleet = world.fleet(3);
    world.tag(fleet.devices().get(0), "site", "berlin");
    world.tag(fleet.devices().get(1), "site", "paris");

    long id =
        world
            .created(
                fleet,
                "{\"releaseId\": "
                    + fleet.releaseId()
                    + ", \"groups\": [{\"tag\": \"site=berlin\"}]}")
            .path("id")
            .asLong();

    assertThat(world.groupDevices(id, 0)).containsExactly(fleet.devices().get(0).uuid());
  }

  @Test
  void pinnedDevicesStayOutOfTheRollout() {
    TestFleet fleet = world.fleet(3);
    TestDevice pinned = fleet.devices().get(0);
    expect(
        world
            .fixture()
            .put(
                "/api/v1/devices/" + pinned.uuid() + "/pin",
                world.fixture().adminToken(),
                "{\"releaseId\": " + fleet.previousReleaseId() + "}"),
        200);

    long id =
        world.created(fleet, "{\"releaseId\": " + fleet.releaseId() + "}").path("id").asLong();

    assertThat(world.groupDevices(id, 0)).hasSize(2).doesNotContain(pinned.uuid());
    assertThat(world.targetReleaseOf(pinned)).isEqualTo(fleet.previousReleaseId());
  }

  @Test
  void rolloutPausesPastFailureThreshold() {
    TestFleet fleet = world.fleet(10);
    long id =
        world
            .created(
                fleet,
                "{\"releaseId\": " + fleet.releaseId() + ", \"groups\": [{\"percentage\": 20}]}")
            .path("id")
            .asLong();
    List<String> firstGroup = world.groupDevices(id, 0);
    world.report(RolloutWorld.device(fleet, firstGroup.get(0)), fleet.releaseId(), "running");
    world.report(RolloutWorld.device(fleet, firstGroup.get(1)), fleet.releaseId(), "failed");

    world.tick();
    JsonNode paused = world.rollout(id);
    assertThat(paused.path("state").asString()).isEqualTo("PAUSED");
    assertThat(paused.path("reason").asString()).contains("1 of 2 devices of group 0 failed");
    assertThat(paused.path("groups").get(0).path("failed").asInt()).isEqualTo(1);

    world.tick();
    assertThat(world.rollout(id).path("state").asString()).isEqualTo("PAUSED");
  }

  @Test
  void resumedRolloutPausesAgainUntilNextGroup() {
    TestFleet fleet = world.fleet(10);
    long id =
        world
            .created(
                fleet,
                "{\"releaseId\": " + fleet.releaseId() + ", \"groups\": [{\"percentage\": 10}]}")
            .path("id")
            .asLong();
    world.report(
        RolloutWorld.device(fleet, world.groupDevices(id, 0).get(0)), fleet.releaseId(), "failed");
    world.tick();

    Response resumed = world.act(id, "resume", fleet.releaseManager(), null);
    assertThat(resumed.json().path("state").asString()).isEqualTo("RUNNING");
    world.tick();
    assertThat(world.rollout(id).path("state").asString()).isEqualTo("PAUSED");

    Response forced = world.act(id, "next-group", fleet.releaseManager(), "{\"fromGroup\": 0}");
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.json().path("state").asString()).isEqualTo("RUNNING");
    assertThat(forced.json().path("currentGroup").asInt()).isEqualTo(1);
  }

  @Test
  void silentDevicesFailAtDeadline() throws InterruptedException {
    TestFleet fleet = world.fleet(10);
    long id =
        world
            .created(
                fleet,
                "{\"releaseId\": "
                    + fleet.releaseId()
                    + ", \"groups\": [{\"percentage\": 10}], \"deadline\": \"PT0.3S\"}")
            .path("id")
            .asLong();
    world.tick();
    assertThat(world.rollout(id).path("state").asString()).isEqualTo("RUNNING");

    Thread.sleep(400);
    world.tick();

    JsonNode paused = world.rollout(id);
    assertThat(paused.path("state").asString()).isEqualTo("PAUSED");
    assertThat(paused.path("groups").get(0).path("failed").asInt()).isEqualTo(1);
  }

  @Test
  void approvalGateHoldsDevicesBack() {
    TestFleet fleet = world.fleet(5);
    JsonNode created =
        world.created(
            fleet, "{\"releaseId\": " + fleet.releaseId() + ", \"requiresApproval\": true}");
    long id = created.path("id").asLong();
    assertThat(created.path("state").asString()).isEqualTo("WAITING_APPROVAL");
    assertThat(created.path("currentGroup").asInt()).isEqualTo(-1);

    world.tick();
    assertThat(devicesWithRolloutRelease(fleet)).isZero();
    Response early = world.act(id, "next-group", fleet.releaseManager(), "{\"fromGroup\": -1}");
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.code()).isEqualTo("ROLLOUT_STATE_CONFLICT");
    assertThat(world.act(id, "approve", fleet.viewer(), null).status()).isEqualTo(403);

    JsonNode approved = expect(world.act(id, "approve", fleet.releaseManager(), null), 200).json();
    assertThat(approved.path("state").asString()).isEqualTo("RUNNING");
    assertThat(approved.path("currentGroup").asInt()).isZero();
    assertThat(approved.path("approvedBy").asString()).startsWith("manager-");
    assertThat(devicesWithRolloutRelease(fleet)).isEqualTo(5);

    JsonNode again = expect(world.act(id, "approve", fleet.releaseManager(), null), 200).json();
    assertThat(again.path("version").asLong()).isEqualTo(approved.path("version").asLong());
  }

  @Test
  void nextGroupTwiceStepsOnce() {
    TestFleet fleet = world.fleet(10);
    long id =
        world
            .created(
                fleet,
                "{\"releaseId\": "
                    + fleet.releaseId()
                    + ", \"groups\": [{\"percentage\": 10}, {\"percentage\": 50}]}")
            .path("id")
            .asLong();

    JsonNode first =
        expect(world.act(id, "next-group", fleet.releaseManager(), "{\"fromGroup\": 0}"), 200)
            .json();
    JsonNode second =
        expect(world.act(id, "next-group", fleet.releaseManager(), "{\"fromGroup\": 0}"), 200)
            .json();

    assertThat(first.path("currentGroup").asInt()).isEqualTo(1);
    assertThat(second.path("currentGroup").asInt()).isEqualTo(1);
    assertThat(second.path("version").asLong()).isEqualTo(first.path("version").asLong());
    assertThat(world.groupDevices(id, 1)).hasSize(4);
    assertThat(world.groupDevices(id, 2)).isEmpty();
  }

  @Test
  void nextGroupNeedsTheCurrentGroup() {
    TestFleet fleet = world.fleet(3);
    long id =
        world.created(fleet, "{\"releaseId\": " + fleet.releaseId() + "}").path("id").asLong();

    Response ahead = world.act(id, "next-group", fleet.releaseManager(), "{\"fromGroup\": 4}");
    Response missing = world.act(id, "next-group", fleet.releaseManager(), "{}");

    assertThat(ahead.status()).isEqualTo(409);
    assertThat(ahead.code()).isEqualTo("ROLLOUT_GROUP_MISMATCH");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.code()).isEqualTo("INVALID_ROLLOUT");
  }

  @Test
  void pauseTwiceChangesOnce() {
    TestFleet fleet = world.fleet(3);
    long id =
        world.created(fleet, "{\"releaseId\": " + fleet.releaseId() + "}").path("id").asLong();

    JsonNode first = expect(world.act(id, "pause", fleet.releaseManager(), null), 200).json();
    JsonNode second = expect(world.act(id, "pause", fleet.releaseManager(), null), 200).json();

    assertThat(first.path("state").asString()).isEqualTo("PAUSED");
    assertThat(second.path("version").asLong()).isEqualTo(first.path("version").asLong());
  }

  @Test
  void cancelRestoresFleetTarget() {
    TestFleet fleet = world.fleet(4);
    long id =
        world.created(fleet, "{\"releaseId\": " + fleet.releaseId() + "}").path("id").asLong();
    assertThat(world.targetReleaseOf(fleet.devices().get(0))).isEqualTo(fleet.releaseId());

    JsonNode cancelled = expect(world.act(id, "cancel", fleet.releaseManager(), null), 200).json();
    Response again = world.act(id, "cancel", fleet.releaseManager(), null);
    Response advance = world.act(id, "next-group", fleet.releaseManager(), "{\"fromGroup\": 0}");

    assertThat(cancelled.path("state").asString()).isEqualTo("CANCELLED");
    assertThat(world.targetReleaseOf(fleet.devices().get(0))).isEqualTo(fleet.previousReleaseId());
    assertThat(again.status()).isEqualTo(200);
    assertThat(advance.code()).isEqualTo("ROLLOUT_STATE_CONFLICT");
    assertThat(world.create(fleet, "{\"releaseId\": " + fleet.releaseId() + "}").status())
        .isEqualTo(201);
  }

  @Test
  void invalidatedReleaseCancelsRollout() {
    TestFleet fleet = world.fleet(2);
    long id =
        world.created(fleet, "{\"releaseId\": " + fleet.releaseId() + "}").path("id").asLong();
    expect(
        world
            .fixture()
            .post(
                "/api/v1/releases/" + fleet.releaseId() + "/invalidate",
                world.fixture().adminToken(),
                null),
        200);

    world.tick();

    JsonNode cancelled = world.rollout(id);
    assertThat(cancelled.path("state").asString()).isEqualTo("CANCELLED");
    assertThat(cancelled.path("reason").asString()).contains("no longer deployable");
    assertThat(devicesWithRolloutRelease(fleet)).isZero();
  }

  @Test
  void fleetRunsOneRolloutAtATime() {
    TestFleet fleet = world.fleet(2);
    world.created(fleet, "{\"releaseId\": " + fleet.releaseId() + ", \"requiresApproval\": true}");

    Response second = world.create(fleet, "{\"releaseId\": " + fleet.releaseId() + "}");

    assertThat(second.status()).isEqualTo(409);
    assertThat(second.code()).isEqualTo("ROLLOUT_ALREADY_ACTIVE");
  }

  @Test
  void unfinishedReleaseIsRejected() {
    TestFleet fleet = world.fleet(1);
    long running =
        expect(
                world
                    .fixture()
                    .post(
                        "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.fleet() + "/releases",
                        world.fixture().adminToken(),
                        "{}"),
                201)
            .json()
            .path("id")
            .asLong();

    Response refused = world.create(fleet, "{\"releaseId\": " + running + "}");

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("RELEASE_NOT_DEPLOYABLE");
  }

  @Test
  void fallingPercentagesAreRejected() {
    TestFleet fleet = world.fleet(1);

    Response refused =
        world.create(
            fleet,
            "{\"releaseId\": "
                + fleet.releaseId()
                + ", \"groups\": [{\"percentage\": 50}, {\"percentage\": 20}]}");

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("INVALID_ROLLOUT");
    assertThat(refused.json().path("message").asString()).contains("group 1 has percentage 20");
  }

  @Test
  void viewerReadsButCannotCreate() {
    TestFleet fleet = world.fleet(1);
    world.created(fleet, "{\"releaseId\": " + fleet.releaseId() + ", \"requiresApproval\": true}");

    Response created = world.fixture().post(fleet.rolloutsPath(), fleet.viewer(), "{}");
    Response listed = world.fixture().get(fleet.rolloutsPath(), fleet.viewer());

    assertThat(created.status()).isEqualTo(403);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.json()).hasSize(1);
  }

  @Test
  void outsiderGetsNotFound() {
    TestFleet fleet = world.fleet(1);
    long id =
        world.created(fleet, "{\"releaseId\": " + fleet.releaseId() + "}").path("id").asLong();
    TestFleet other = world.fleet(0);
    String outsider = world.fixture().user("outsider-" + id, other.org(), Role.OWNER);

    Response hidden = world.fixture().get("/api/v1/rollouts/" + id, outsider);
    Response absent = world.fixture().get("/api/v1/rollouts/999999", outsider);
    Response anonymous = world.fixture().get("/api/v1/rollouts/" + id, null);

    assertThat(hidden.status()).isEqualTo(404);
    assertThat(hidden.code()).isEqualTo("ROLLOUT_NOT_FOUND");
    assertThat(absent.code()).isEqualTo("ROLLOUT_NOT_FOUND");
    assertThat(anonymous.status()).isEqualTo(401);
  }

  private static void reportRunning(TestFleet fleet, List<String> uuids) {
    for (String uuid : uuids) {
      world.report(RolloutWorld.device(fleet, uuid), fleet.releaseId(), "running");
    }
  }

  private static JsonNode fleetTarget(TestFleet fleet) {
    return expect(
            world
                .fixture()
                .get(
                    "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.fleet() + "/target",
                    world.fixture().adminToken()),
            200)
        .json();
  }

  private static long devicesWithRolloutRelease(TestFleet fleet) {
    return world
        .fixture()
        .jdbc()
        .sql(
            "SELECT COUNT(*) FROM device d JOIN fleet f ON f.id = d.fleet_id"
                + " JOIN organization o ON o.id = f.organization_id"
                + " WHERE o.slug = ? AND d.rollout_release_id IS NOT NULL")
        .param(fleet.org())
        .query(Long.class)
        .single();
  }
}
