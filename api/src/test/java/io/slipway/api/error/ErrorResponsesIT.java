package io.slipway.api.error;

import static io.slipway.api.server.HttpTestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** Error responses keep their status and JSON body whatever the client sends or accepts. */
class ErrorResponsesIT {

  @TempDir static Path dataDirectory;

  private static ConfigurableApplicationContext server;
  private static HttpTestClient http;
  private static String adminToken;

  @BeforeAll
  static void start() throws Exception {
    server = TestServers.start(TestDatabase.h2(), dataDirectory);
    http = new HttpTestClient(TestServers.port(server));
    adminToken = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void htmlClientGetsJsonUnauthorized() {
    HttpResponse<String> response = http.get("/api/v1/orgs", "Accept", "text/html");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(response.body()).contains("\"code\":\"UNAUTHORIZED\"");
  }

  @Test
  void xmlClientGetsJsonNotFound() {
    HttpResponse<String> response =
        http.get(
            "/api/v1/orgs/nothing-here",
            "Accept",
            "application/xml",
            "Authorization",
            bearer(adminToken));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("ORGANIZATION_NOT_FOUND");
  }

  @Test
  void oversizedBodyIsRefusedBeforeReading() {
    String body = "{\"slug\":\"" + "a".repeat(3 * 1024 * 1024) + "\"}";

    HttpResponse<String> response =
        http.postJson("/api/v1/orgs", body, "Authorization", bearer(adminToken));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("REQUEST_TOO_LARGE");
  }

  @Test
  void hugeBadValueIsNotEchoedWhole() {
    String body = "{\"slug\":\"" + "A".repeat(100_000) + "\"}";

    HttpResponse<String> response =
        http.postJson("/api/v1/orgs", body, "Authorization", bearer(adminToken));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_SLUG").hasSizeLessThan(2_000);
  }

  @Test
  void errorPathAnswersJson() {
    HttpResponse<String> response = http.get("/error");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("\"code\":\"NOT_FOUND\"");
  }

  @Test
  void overlongUserNameIsRefusedNotCrashed() {
    String body = "{\"username\":\"" + "u".repeat(400) + "\",\"password\":\"wrong password 1\"}";

    HttpResponse<String> response = http.postJson("/api/v1/auth/login", body);

    assertThat(response.statusCode()).isBetween(400, 499);
    assertThat(response.body()).contains("\"code\"");
  }
}
