package io.slipway.api.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The build upload has its own size cap: the 2 MiB cap of other API bodies does not apply. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SourceUploadIT {

  /** Larger than the 2 MiB cap of API request bodies. */
  private static final int BODY = 3 * 1024 * 1024;

  @TempDir static Path dataDirectory;

  private final HttpClient client = HttpClient.newHttpClient();
  private ReleaseWorld world;
  private TestFleet fleet;

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(TestDatabase.h2(), dataDirectory);
    fleet = world.newFleet();
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @Test
  void sourceBeyondTheApiCapIsRead() throws Exception {
    HttpResponse<String> response = post("/builds", "application/x-tar");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_BUILD_SOURCE");
  }

  @Test
  void otherBodiesKeepTheApiCap() throws Exception {
    HttpResponse<String> response = post("/releases", "application/json");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("REQUEST_TOO_LARGE");
  }

  private HttpResponse<String> post(String suffix, String contentType)
      throws IOException, InterruptedException {
    byte[] body = new byte[BODY];
    Arrays.fill(body, (byte) 'x');
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + world.context().getEnvironment().getProperty("local.server.port")
                + "/api/v1/orgs/"
                + fleet.org()
                + "/fleets/"
                + fleet.slug()
                + suffix);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + fleet.developer())
            .header("Content-Type", contentType)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
