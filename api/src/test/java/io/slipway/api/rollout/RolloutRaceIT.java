package io.slipway.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.api.rollout.RolloutWorld.TestFleet;
import io.slipway.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Many callers advance the same rollout from the same group at once, through HTTP and through the
 * scheduler's tick, on every configured database. Exactly one of them starts the next group (or
 * completes the rollout), because the step is a conditional UPDATE on the shared row and not a lock
 * inside one server.
 */
class RolloutRaceIT {

  private static final int HTTP_CALLERS = 12;
  private static final int TICKERS = 4;

  @TempDir Path dataRoot;

  static Stream<TestDatabase> databases() {
    return TestDatabase.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void concurrentAdvancesFromOneGroupStepOnce(TestDatabase database) throws Exception {
    Path dataDirectory = Files.createDirectories(dataRoot.resolve(database.name()));
    try (RolloutWorld world = RolloutWorld.start(database, dataDirectory)) {
      TestFleet fleet = world.fleet(20);
      long id =
          world
              .created(
                  fleet,
                  "{\"releaseId\": "
                      + fleet.releaseId()
                      + ", \"groups\": [{\"percentage\": 10}, {\"percentage\": 50}]}")
              .path("id")
              .asLong();
      for (String uuid : world.groupDevices(id, 0)) {
        world.report(RolloutWorld.device(fleet, uuid), fleet.releaseId(), "running");
      }

      assertOneStep(world, fleet, id, 0, TICKERS);
      assertThat(world.groupDevices(id, 1)).hasSize(8);

      assertOneStep(world, fleet, id, 1, 0);
      assertThat(world.groupDevices(id, 2)).hasSize(10);

      long fleetVersion = fleetTargetVersion(world, fleet);
      assertOneStep(world, fleet, id, 2, 0);
      assertThat(world.rollout(id).path("state").asString()).isEqualTo("COMPLETED");
      assertThat(fleetTargetVersion(world, fleet)).isEqualTo(fleetVersion + 1);
    }
  }

  /**
   * Races {@value #HTTP_CALLERS} {@code next-group} requests from {@code fromGroup} and {@code
   * tickers} scheduler ticks, then checks that the rollout moved exactly one step.
   */
  private static void assertOneStep(
      RolloutWorld world, TestFleet fleet, long id, int fromGroup, int tickers) throws Exception {
    long versionBefore = world.rollout(id).path("version").asLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Integer>> callers = new ArrayList<>();
    for (int i = 0; i < HTTP_CALLERS; i++) {
      callers.add(
          () -> {
            start.await();
            Response response =
                world.act(
                    id, "next-group", fleet.releaseManager(), "{\"fromGroup\": " + fromGroup + "}");
            return response.status();
          });
    }
    for (int i = 0; i < tickers; i++) {
      callers.add(
          () -> {
            start.await();
            world.tick();
            return 200;
          });
    }

    ExecutorService pool = Executors.newFixedThreadPool(callers.size());
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (Callable<Integer> caller : callers) {
        results.add(pool.submit(caller));
      }
      start.countDown();
      for (Future<Integer> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }

    JsonNode after = world.rollout(id);
    assertThat(after.path("version").asLong()).isEqualTo(versionBefore + 1);
    int expectedGroup = fromGroup == after.path("groups").size() - 1 ? fromGroup : fromGroup + 1;
    assertThat(after.path("currentGroup").asInt()).isEqualTo(expectedGroup);
    assertThat(targetChangesOfRollout(world, id)).isEqualTo(fromGroup + 2);
  }

  private static long targetChangesOfRollout(RolloutWorld world, long id) {
    return world
        .fixture()
        .jdbc()
        .sql(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'fleet.target.changed'"
                + " AND details LIKE ?")
        .param("%\"rolloutId\":" + id + ",%")
        .query(Long.class)
        .single();
  }

  private static long fleetTargetVersion(RolloutWorld world, TestFleet fleet) {
    return world
        .fixture()
        .jdbc()
        .sql(
            "SELECT f.target_version FROM fleet f JOIN organization o"
                + " ON o.id = f.organization_id WHERE o.slug = ?")
        .param(fleet.org())
        .query(Long.class)
        .single();
  }
}
