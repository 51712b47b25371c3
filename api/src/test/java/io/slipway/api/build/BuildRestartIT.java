package io.slipway.api.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.image.BusyboxImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A server stopped while a build runs leaves the build to the next server on the same database and
 * data directory, which restarts it once it is ready and finishes the release.
 */
class BuildRestartIT {

  @TempDir static Path dataDirectory;

  @Test
  void nextServerFinishesAnInterruptedBuild() throws Exception {
    TestDatabase database = TestDatabase.h2();
    ReleaseWorld first =
        ReleaseWorld.start(
            database,
            dataDirectory,
            "--spring.main.sources=" + HangingHook.class.getName(),
            "--slipway.builder.engine=jib");
    TestFleet fleet = first.newFleet();
    long releaseId;
    try {
      releaseId = startBuild(first, fleet);
      assertThat(HangingHook.REACHED.await(2, TimeUnit.MINUTES))
          .as("build reached the hooks")
          .isTrue();
    } finally {
      first.close();
    }

    try (ReleaseWorld second =
        ReleaseWorld.start(database, dataDirectory, "--slipway.builder.engine=jib")) {
      JsonNode release = awaitFinal(second, fleet, releaseId);

      assertThat(release.path("status").asString()).isEqualTo("SUCCESS");
      assertThat(release.path("services").path("main").path("image").asString())
          .contains("/" + fleet.org() + "/" + fleet.slug() + "/main@sha256:");
      assertThat(executions(second)).isEqualTo(2);
    }
  }

  private static long startBuild(ReleaseWorld world, TestFleet fleet) throws Exception {
    ServerRegistryAccess access = world.context().getBean(ServerRegistryAccess.class);
    String base = fleet.org() + "/" + fleet.slug() + "/busybox";
    RegistryCredentials credentials =
        access.credentials(fleet.org() + "/" + fleet.slug(), Duration.ofMinutes(5));
    BusyboxImages.push(
        access.registry(), base, "1.0", credentials.username(), credentials.password());
    byte[] project =
        new TarFixture()
            .file("Dockerfile", "FROM " + access.registry() + "/" + base + ":1.0\nCMD [\"true\"]\n")
            .tar();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://"
                        + access.registry()
                        + "/api/v1/orgs/"
                        + fleet.org()
                        + "/fleets/"
                        + fleet.slug()
                        + "/builds"))
            .header("Authorization", "Bearer " + fleet.developer())
            .header("Content-Type", "application/x-tar")
            .POST(HttpRequest.BodyPublishers.ofByteArray(project))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return ReleaseWorld.json(response).path("id").asLong();
  }

  private static JsonNode awaitFinal(ReleaseWorld world, TestFleet fleet, long releaseId)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      JsonNode release =
          ReleaseWorld.json(
              world.call("GET", "/api/v1/releases/" + releaseId, null, fleet.developer()));
      if (!release.path("status").asString().equals("RUNNING") || System.nanoTime() > deadline) {
        return release;
      }
      Thread.sleep(250);
    }
  }

  /** The release pipeline's job name in the job repository. */
  private static final String RELEASE_JOB = "slipway-release";

  /** Counts the release pipeline's executions; a finished release also starts a delta job. */
  private static long executions(ReleaseWorld world) {
    return world
        .jdbc()
        .sql(
            "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
                + " ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID WHERE i.JOB_NAME = ?")
        .param(RELEASE_JOB)
        .query(Long.class)
        .single();
  }
}
