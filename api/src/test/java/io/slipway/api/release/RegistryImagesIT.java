package io.slipway.api.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release that names this server's registry can finish only with images pushed there. */
class RegistryImagesIT {

  @TempDir static Path dataDirectory;

  private static ReleaseWorld world;

  @BeforeAll
  static void start() {
    world = ReleaseWorld.start(TestDatabase.h2(), dataDirectory);
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  @Test
  void unpushedImageOfThisRegistryCannotFinish() {
    ReleaseWorld.TestFleet fleet = world.newFleet();
    String developer = fleet.developer();
    long id = world.createRelease(fleet.org(), fleet.slug(), developer);
    String host = "127.0.0.1:" + TestServers.port(world.context());
    String image = host + "/" + fleet.org() + "/" + fleet.slug() + "/web@" + ReleaseWorld.DIGEST;

    HttpResponse<String> finished =
        world.call(
            "PATCH",
            "/api/v1/releases/" + id,
            "{\"services\": {\"web\": {\"image\": \"" + image + "\"}}, \"status\": \"SUCCESS\"}",
            developer);

    assertThat(finished.statusCode()).isEqualTo(400);
    assertThat(finished.body()).contains("INVALID_IMAGE_REFERENCE").contains("push it");
  }
}
