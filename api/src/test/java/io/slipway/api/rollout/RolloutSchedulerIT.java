package io.slipway.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.rollout.RolloutWorld.TestFleet;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's own scheduler ticks at {@code slipway.rollout.tick} without anyone calling it. */
class RolloutSchedulerIT {

  @TempDir Path dataDirectory;

  @Test
  void scheduledTickWidensRollout() throws InterruptedException {
    try (RolloutWorld world = RolloutWorld.start(TestDatabase.h2(), dataDirectory, "PT0.2S")) {
      TestFleet fleet = world.fleet(2);
      long id =
          world
              .created(
                  fleet,
                  "{\"releaseId\": " + fleet.releaseId() + ", \"groups\": [{\"percentage\": 50}]}")
              .path("id")
              .asLong();
      for (String uuid : world.groupDevices(id, 0)) {
        world.report(RolloutWorld.device(fleet, uuid), fleet.releaseId(), "running");
      }

      Instant giveUp = Instant.now().plus(Duration.ofSeconds(20));
      while (world.rollout(id).path("currentGroup").asInt() == 0
          && Instant.now().isBefore(giveUp)) {
        Thread.sleep(100);
      }

      assertThat(world.rollout(id).path("currentGroup").asInt()).isEqualTo(1);
    }
  }
}
