package io.slipway.systemtest.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.image.OciImage;
import io.slipway.systemtest.image.OciLayoutBuilder;
import io.slipway.systemtest.image.Platform;
import io.slipway.systemtest.registry.RegistryClient;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.systemtest.skopeo.Skopeo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The control plane through the built server as a separate process. An administrator creates a
 * user, who signs in with a password, creates an organization and a fleet, pushes an image with
 * their own API token and releases it. A device registers with a provisioning key, polls its target
 * state with an ETag, pulls its image with its device key, and cannot reach another fleet. The
 * steps build on each other, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple";

  private static SlipwayStack stack;
  private static HttpClient http;
  private static String session;
  private static String apiToken;
  private static long releaseId;
  private static String deviceUuid;
  private static String deviceKey;
  private static String imageDigest;

  @BeforeAll
  static void startServer() throws Exception {
    stack =
        SlipwayStack.start(
            "ControlPlaneIT", new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void adminCreatesUserWhoSignsIn() {
    Reply created =
        send(
            "POST",
            "/api/v1/users",
            "{\"username\":\"dana\",\"password\":\"" + PASSWORD + "\"}",
            stack.server().bootstrapToken());
    Reply login =
        send(
            "POST",
            "/api/v1/auth/login",
            "{\"username\":\"dana\",\"password\":\"" + PASSWORD + "\"}",
            null);

    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(login.status()).as(login.text()).isEqualTo(200);
    session = login.json().path("token").asText();
    assertThat(session).startsWith("sls_");
  }

  @Test
  @Order(2)
  void userCreatesOrganizationFleetAndApiToken() {
    Reply organization = send("POST", "/api/v1/orgs", "{\"slug\":\"acme\"}", session);
    Reply fleet =
        send(
            "POST",
            "/api/v1/orgs/acme/fleets",
            "{\"slug\":\"gateways\",\"deviceType\":\"raspberrypi4-64\"}",
            session);
    Reply other =
        send(
            "POST",
            "/api/v1/orgs/acme/fleets",
            "{\"slug\":\"sensors\",\"deviceType\":\"generic-amd64\"}",
            session);
    Reply token = send("POST", "/api/v1/user/api-tokens", "{\"name\":\"laptop\"}", session);

    assertThat(organization.status()).as(organization.text()).isEqualTo(201);
    assertThat(fleet.status()).as(fleet.text()).isEqualTo(201);
    assertThat(other.status()).as(other.text()).isEqualTo(201);
    assertThat(token.status()).as(token.text()).isEqualTo(201);
    apiToken = token.json().path("token").asText();
    assertThat(apiToken).startsWith("slw_");
  }

  @Test
  @Order(3)
  void userPushesImageWithOwnTokenAndReleasesIt() throws IOException {
    OciLayoutBuilder layout = OciLayoutBuilder.in(stack.directory("image"));
    OciImage image = layout.image("1.0", Platform.LINUX_ARM64);
    Skopeo skopeo = Skopeo.forRegistry(stack.server().registryHost(), stack.directory("skopeo"));
    skopeo
        .pushAs(
            layout.directory(),
            "1.0",
            skopeo.reference("acme/gateways/app", "1.0"),
            "dana",
            apiToken)
        .assertSucceeded();
    imageDigest = image.digest();

    Reply release =
        send(
            "POST",
            "/api/v1/orgs/acme/fleets/gateways/releases",
            "{\"version\":\"1.0.0\",\"commit\":\"9fceb02d0ae598e95dc970b74767f19372d61af8\"}",
            apiToken);
    assertThat(release.status()).as(release.text()).isEqualTo(201);
    releaseId = release.json().path("id").asLong();
    String reference = stack.server().registryHost() + "/acme/gateways/app@" + imageDigest;
    Reply finished =
        send(
            "PATCH",
            "/api/v1/releases/" + releaseId,
            "{\"services\":{\"app\":{\"image\":\""
                + reference
                + "\",\"environment\":{\"MODE\":\"production\"}}},\"status\":\"SUCCESS\"}",
            apiToken);

    assertThat(finished.status()).as(finished.text()).isEqualTo(200);
    assertThat(finished.json().path("status").asText()).isEqualTo("SUCCESS");
    assertThat(finished.json().path("signature").path("sequence").asLong()).isEqualTo(1);
  }

  @Test
  @Order(4)
  void deviceRegistersWithProvisioningKey() {
    Reply key =
        send(
            "POST",
            "/api/v1/orgs/acme/fleets/gateways/provisioning-keys",
            "{\"name\":\"factory\",\"maxUses\":10}",
            session);
    assertThat(key.status()).as(key.text()).isEqualTo(201);
    String provisioningKey = key.json().path("secret").asText();
    deviceUuid = HexFormat.of().formatHex(randomBytes(16));

    Reply registered =
        send(
            "POST",
            "/device/v1/register",
            "{\"uuid\":\"" + deviceUuid + "\",\"deviceType\":\"raspberrypi4-64\"}",
            provisioningKey);
    Reply anythingElse = send("GET", "/api/v1/orgs", null, provisioningKey);

    assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    deviceKey = registered.json().path("deviceKey").asText();
    assertThat(deviceKey).startsWith("sld_");
    assertThat(anythingElse.status()).isEqualTo(403);
  }

  @Test
  @Order(5)
  void devicePollsTargetStateWithEtag() {
    Reply state = send("GET", "/device/v1/" + deviceUuid + "/state", null, deviceKey);
    String etag = state.response().headers().firstValue("ETag").orElseThrow();
    Reply again =
        send("GET", "/device/v1/" + deviceUuid + "/state", null, deviceKey, "If-None-Match", etag);

    assertThat(state.status()).as(state.text()).isEqualTo(200);
    assertThat(state.text()).contains(imageDigest).contains("production");
    assertThat(again.status()).isEqualTo(304);
  }

  @Test
  @Order(6)
  void devicePullsOwnFleetImageOnly() {
    RegistryClient registry = new RegistryClient(stack.server().baseUrl(), deviceUuid, deviceKey);

    HttpResponse<byte[]> own = registry.manifest("acme/gateways/app", imageDigest);
    String otherToken = registry.token("acme/sensors/app");
    String ownToken = registry.token("acme/gateways/app");

    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(claims(ownToken)).contains("\"actions\":[\"pull\"]");
    assertThat(claims(otherToken)).doesNotContain("acme/sensors/app");
  }

  @Test
  @Order(7)
  void invalidatedReleaseLeavesTheDevice() {
    Reply invalidated =
        send("POST", "/api/v1/releases/" + releaseId + "/invalidate", null, session);
    Reply state = send("GET", "/device/v1/" + deviceUuid + "/state", null, deviceKey);

    assertThat(invalidated.status()).as(invalidated.text()).isEqualTo(200);
    assertThat(state.text()).doesNotContain(imageDigest);
  }

  @Test
  @Order(8)
  void ownerReadsTheAuditTrail() {
    Reply audit = send("GET", "/api/v1/orgs/acme/audit-log", null, session);

    assertThat(audit.status()).as(audit.text()).isEqualTo(200);
    assertThat(audit.text())
        .contains("device.registered")
        .contains("release.invalidated")
        .contains("\"actor\":\"dana\"");
  }

  /** A response with its body as text. */
  private record Reply(HttpResponse<String> response) {
    int status() {
      return response.statusCode();
    }

    String text() {
      return response.body();
    }

    JsonNode json() {
      try {
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new UncheckedIOException("Response is not JSON: " + response.body(), e);
      }
    }
  }

  private static Reply send(
      String method, String path, String json, String bearer, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.server().baseUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return new Reply(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the server", e);
    }
  }

  /** Returns the JSON claims of a JWT, unverified: the registry verifies, the test only reads. */
  private static String claims(String jwt) {
    String payload = jwt.split("\\.")[1];
    return new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
