package io.slipway.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.config.AgentConfig;
import io.slipway.delta.image.Digest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client against a JDK HTTP server standing in for the Slipway server: it produces the error
 * responses (5xx, malformed bodies, slow responses) that the real server cannot be made to give.
 * {@code JoinIT} in system-tests covers the real server.
 */
class HttpDeviceApiTest {

  private static final String UUID = "0123456789abcdef0123456789abcdef";
  private static final String DEVICE_KEY = "sld_" + "d".repeat(43);
  private static final String PROVISIONING_KEY = "slp_" + "p".repeat(40);
  private static final Digest FROM = Digest.of(new byte[] {1});
  private static final Digest TO = Digest.of(new byte[] {2});
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private StubServer server;
  private HttpDeviceApi api;

  @BeforeEach
  void start() throws IOException {
    server = new StubServer();
    api = apiFor(server.uri(), UUID, DEVICE_KEY, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void registerSendsProvisioningKeyAndIdentity() {
    server.answer("/device/v1/register", 201, registeredJson());

    Registered registered = api.register(PROVISIONING_KEY, registration());

    assertThat(registered.uuid()).isEqualTo(UUID);
    assertThat(registered.deviceKey()).isEqualTo(DEVICE_KEY);
    assertThat(registered.fleet()).isEqualTo("acme/sensors");
    assertThat(registered.created()).isTrue();
    StubServer.Request request = server.last();
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + PROVISIONING_KEY);
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.get("uuid").asString()).isEqualTo(UUID);
    assertThat(body.get("deviceKey").asString()).isEqualTo(DEVICE_KEY);
    assertThat(body.get("deviceType").asString()).isEqualTo("raspberrypi4-64");
  }

  @Test
  void unreachableServerIsNamedWithItsCauseOnce() {
    server.close();

    assertThatThrownBy(() -> api.targetState(null))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("to " + server.uri().getAuthority() + " failed: ")
        .hasMessageNotContaining("retrying")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void registerRepeatedIsNotCreated() {
    server.answer("/device/v1/register", 200, registeredJson());

    assertThat(api.register(PROVISIONING_KEY, registration()).created()).isFalse();
  }

  @Test
  void registerRefusalCarriesServerMessage() {
    server.answer(
        "/device/v1/register",
        403,
        "{\"code\":\"PROVISIONING_KEY_USED_UP\",\"message\":\"Provisioning key 3 is used up\"}");

    assertThatThrownBy(() -> api.register(PROVISIONING_KEY, registration()))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("PROVISIONING_KEY_USED_UP")
        .hasMessageContaining("Provisioning key 3 is used up")
        .hasMessageNotContaining(PROVISIONING_KEY)
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.REGISTRATION_REFUSED);
  }

  @Test
  void registerConflictIsRefused() {
    server.answer("/device/v1/register", 409, "{\"code\":\"DEVICE_UUID_TAKEN\",\"message\":\"x\"}");

    assertFailure(
        () -> api.register(PROVISIONING_KEY, registration()), AgentFailure.REGISTRATION_REFUSED);
  }

  @Test
  void registerWorksWithoutDeviceKey() {
    AgentConfig unregistered = config(server.uri(), null, null);
    HttpDeviceApi fresh = HttpDeviceApi.create(unregistered);
    server.answer("/device/v1/register", 201, registeredJson());

    assertThat(fresh.register(PROVISIONING_KEY, registration()).uuid()).isEqualTo(UUID);
    assertThatThrownBy(fresh::fleet).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void controlChannelReadsSetting() {
    server.answer(
        "/device/v1/" + UUID + "/control-channel",
        200,
        "{\"enabled\":true,\"until\":\"2026-12-05T12:00:00Z\",\"url\":\"mqtts://b.example:8883\","
            + "\"caCertificate\":\"PEM\",\"keepAliveSeconds\":45,\"connected\":false}");

    ControlChannelSettings settings = api.controlChannel();

    assertThat(settings)
        .isEqualTo(
            new ControlChannelSettings(
                true,
                Instant.parse("2026-12-05T12:00:00Z"),
                URI.create("mqtts://b.example:8883"),
                "PEM",
                45));
    assertThat(server.last().header("Authorization")).isEqualTo("Bearer " + DEVICE_KEY);
  }

  @Test
  void controlChannelReadsUntilInMilliseconds() {
    server.answer(
        "/device/v1/" + UUID + "/control-channel",
        200,
        "{\"enabled\":true,\"until\":1796468400000,\"url\":\"mqtts://b.example:8883\"}");

    ControlChannelSettings settings = api.controlChannel();

    assertThat(settings.until()).isEqualTo(Instant.ofEpochMilli(1_796_468_400_000L));
  }

  @Test
  void controlChannelWithoutFieldsIsOff() {
    server.answer("/device/v1/" + UUID + "/control-channel", 200, "{}");

    assertThat(api.controlChannel()).isEqualTo(ControlChannelSettings.DISABLED);
  }

  @Test
  void controlChannelWithInvalidUrlFails() {
    server.answer("/device/v1/" + UUID + "/control-channel", 200, "{\"url\":\"a b\"}");

    assertFailure(api::controlChannel, AgentFailure.PROTOCOL);
  }

  @Test
  void targetStateReadsReleaseAndServices() {
    server.on(
        "/device/v1/" + UUID + "/state",
        (exchange, body) -> {
          exchange.getResponseHeaders().set("ETag", "\"v7\"");
          StubServer.send(exchange, 200, targetStateJson());
        });

    TargetState state = api.targetState(null).orElseThrow();

    assertThat(state.etag()).isEqualTo("\"v7\"");
    assertThat(state.releaseId()).isEqualTo(12L);
    assertThat(state.releaseVersion()).isEqualTo("1.2.0");
    assertThat(state.config()).containsEntry("SLIPWAY_SUPERVISOR_POLL", "60");
    TargetService web = state.services().get("web");
    assertThat(web.image()).isEqualTo("127.0.0.1:5000/acme/sensors/web@" + TO);
    assertThat(web.environment()).containsEntry("MODE", "prod");
    assertThat(web.labels()).containsEntry("io.slipway.update.strategy", "kill-then-download");
    assertThat(web.configuration()).containsEntry("network_mode", "host");
    assertThat(web.configuration().get("ports")).isEqualTo(List.of("80:80"));
    assertThat(server.last().header("Authorization")).isEqualTo("Bearer " + DEVICE_KEY);
  }

  @Test
  void targetStateWithoutReleaseIsEmpty() {
    server.answer(
        "/device/v1/" + UUID + "/state", 200, "{\"release\":null,\"services\":{},\"config\":{}}");

    TargetState state = api.targetState(null).orElseThrow();

    assertThat(state.releaseId()).isNull();
    assertThat(state.services()).isEmpty();
  }

  @Test
  void targetStateSendsEtagAndReadsNotModified() {
    server.answer("/device/v1/" + UUID + "/state", 304, "");

    assertThat(api.targetState("\"v7\"")).isEmpty();
    assertThat(server.last().header("If-None-Match")).isEqualTo("\"v7\"");
  }

  @Test
  void statusesMapToFailures() {
    Map<Integer, AgentFailure> cases =
        Map.of(
            401, AgentFailure.UNAUTHORIZED,
            403, AgentFailure.UNAUTHORIZED,
            400, AgentFailure.PROTOCOL,
            404, AgentFailure.PROTOCOL,
            429, AgentFailure.SERVER_UNAVAILABLE,
            500, AgentFailure.SERVER_UNAVAILABLE,
            503, AgentFailure.SERVER_UNAVAILABLE);
    cases.forEach(
        (status, failure) -> {
          server.answer(
              "/device/v1/" + UUID + "/fleet", status, "{\"code\":\"X\",\"message\":\"m\"}");
          assertFailure(api::fleet, failure);
        });
  }

  @Test
  void failureNamesRequestAndServerError() {
    server.answer(
        "/device/v1/" + UUID + "/fleet",
        400,
        "{\"code\":\"INVALID_PARAMETER\",\"message\":\"Parameter x is unknown\"}");

    assertThatThrownBy(api::fleet)
        .hasMessageContaining("GET /device/v1/" + UUID + "/fleet")
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("INVALID_PARAMETER: Parameter x is unknown")
        .hasMessageNotContaining(DEVICE_KEY);
  }

  @Test
  void unapprovedDeviceIsToldToWait() {
    server.answer(
        "/device/v1/" + UUID + "/fleet",
        403,
        "{\"code\":\"DEVICE_NOT_APPROVED\",\"message\":\"Device is not approved\"}");

    assertThatThrownBy(api::fleet)
        .hasMessageContaining("requires approval")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.UNAUTHORIZED);
  }

  @Test
  void malformedBodyIsProtocolFailure() {
    server.answer("/device/v1/" + UUID + "/fleet", 200, "[1, 2]");

    assertFailure(api::fleet, AgentFailure.PROTOCOL);
  }

  @Test
  void missingFieldIsNamed() {
    server.answer("/device/v1/" + UUID + "/fleet", 200, "{\"slug\":\"sensors\"}");

    assertThatThrownBy(api::fleet).hasMessageContaining("org is missing");
  }

  @Test
  void refusedConnectionIsServerUnavailable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    HttpDeviceApi offline =
        apiFor(
            URI.create("http://127.0.0.1:" + closedPort), UUID, DEVICE_KEY, Duration.ofSeconds(5));

    assertFailure(offline::fleet, AgentFailure.SERVER_UNAVAILABLE);
  }

  @Test
  void slowServerTimesOut() {
    server.on(
        "/device/v1/" + UUID + "/fleet",
        (exchange, body) -> {
          sleep(2_000);
          StubServer.send(exchange, 200, fleetJson());
        });
    HttpDeviceApi impatient = apiFor(server.uri(), UUID, DEVICE_KEY, Duration.ofMillis(300));

    assertThatThrownBy(impatient::fleet)
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("timed out")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.SERVER_UNAVAILABLE);
  }

  @Test
  void fleetReadsPlatform() {
    server.answer("/device/v1/" + UUID + "/fleet", 200, fleetJson());

    FleetInfo fleet = api.fleet();

    assertThat(fleet.org()).isEqualTo("acme");
    assertThat(fleet.slug()).isEqualTo("sensors");
    assertThat(fleet.platform()).isEqualTo("linux/arm64");
  }

  @Test
  void signedDocumentsArriveAsSent() {
    String envelope = "{\"payloadType\":\"x\",  \"payload\":\"e30=\"}";
    server.answer("/device/v1/" + UUID + "/state/signed", 200, envelope);
    server.answer("/device/v1/" + UUID + "/signing-keys/signed", 200, envelope);

    assertThat(new String(api.signedTargetState())).isEqualTo(envelope);
    assertThat(new String(api.signedKeyList())).isEqualTo(envelope);
  }

  @Test
  void releaseSignatureReturnsBundle() {
    server.answer(
        "/device/v1/" + UUID + "/releases/12/signature",
        200,
        "{\"document\":\"e30=\",\"documentDigest\":\"sha256:00\",\"bundle\":{\"mediaType\":\"m\"}}");

    byte[] bundle = api.releaseSignature(12).orElseThrow();

    assertThat(JSON.readTree(bundle).get("mediaType").asString()).isEqualTo("m");
  }

  @Test
  void unsignedReleaseIsEmpty() {
    server.answer(
        "/device/v1/" + UUID + "/releases/12/signature",
        404,
        "{\"code\":\"RELEASE_NOT_SIGNED\",\"message\":\"Release 12 has no signature\"}");

    assertThat(api.releaseSignature(12)).isEmpty();
  }

  @Test
  void unknownReleaseIsProtocolFailure() {
    server.answer(
        "/device/v1/" + UUID + "/releases/12/signature",
        404,
        "{\"code\":\"RELEASE_NOT_FOUND\",\"message\":\"Release 12 is not a release of the fleet\"}");

    assertFailure(() -> api.releaseSignature(12), AgentFailure.PROTOCOL);
  }

  @Test
  void reportStateSendsServicesAndProgress() {
    server.answer("/device/v1/" + UUID + "/state", 200, "{}");
    ServiceState downloading =
        new ServiceState("downloading", TO.value(), 250L, 1000L, "delta", "x".repeat(600));

    api.reportState(new StateReport(12L, Map.of("web", downloading), "6.1.24"));

    StubServer.Request request = server.last();
    assertThat(request.method()).isEqualTo("PATCH");
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.get("releaseId").asLong()).isEqualTo(12);
    assertThat(body.get("osVersion").asString()).isEqualTo("6.1.24");
    JsonNode web = body.at("/services/web");
    assertThat(web.get("status").asString()).isEqualTo("downloading");
    assertThat(web.get("downloadedBytes").asLong()).isEqualTo(250);
    assertThat(web.get("downloadSize").asLong()).isEqualTo(1000);
    assertThat(web.get("downloadProgress").asInt()).isEqualTo(25);
    assertThat(web.get("updateMethod").asString()).isEqualTo("delta");
    assertThat(web.get("message").asString()).hasSize(500);
  }

  @Test
  void reportStateLeavesOutUnknownValues() {
    server.answer("/device/v1/" + UUID + "/state", 200, "{}");

    api.reportState(
        new StateReport(
            null, Map.of("web", new ServiceState("running", null, null, null, null, null)), null));

    JsonNode web = JSON.readTree(server.last().body()).at("/services/web");
    assertThat(web.propertyNames()).containsExactly("status");
  }

  @Test
  void updateSelfSendsOsVersion() {
    server.answer("/device/v1/" + UUID, 200, "{}");

    api.updateSelf("6.1.24");

    assertThat(server.last().method()).isEqualTo("PATCH");
    assertThat(server.last().bodyText()).isEqualTo("{\"osVersion\":\"6.1.24\"}");
  }

  @Test
  void updateSelfWithoutVersionSendsNothing() {
    api.updateSelf(null);

    assertThat(server.requests).isEmpty();
  }

  @Test
  void sendLogsMarksAgentLines() {
    server.answer("/device/v1/" + UUID + "/logs", 204, "");
    Instant at = Instant.ofEpochMilli(1_700_000_000_000L);

    api.sendLogs(
        List.of(new LogLine(at, "web", "started", false), new LogLine(at, null, "agent", true)));

    JsonNode body = JSON.readTree(server.last().body());
    assertThat(body.get(0).get("timestamp").asLong()).isEqualTo(1_700_000_000_000L);
    assertThat(body.get(0).get("service").asString()).isEqualTo("web");
    assertThat(body.get(0).get("isSystem").asBoolean()).isFalse();
    assertThat(body.get(1).has("service")).isFalse();
    assertThat(body.get(1).get("isStderr").asBoolean()).isTrue();
    assertThat(body.get(1).get("isSystem").asBoolean()).isTrue();
  }

  @Test
  void deltaReadyResolvesPayload() {
    server.answer(
        "/device/v1/delta",
        200,
        "{\"status\":\"ready\",\"bundle\":{\"mediaType\":\"m\"},\"payload\":{\"url\":"
            + "\"/device/v1/delta/payloads/"
            + TO
            + "\",\"size\":1234,\"digest\":\""
            + TO
            + "\"}}");

    DeltaOffer.Ready ready = (DeltaOffer.Ready) api.delta(FROM, TO);

    assertThat(ready.payload()).isEqualTo(server.uri().resolve("/device/v1/delta/payloads/" + TO));
    assertThat(ready.size()).isEqualTo(1234);
    assertThat(ready.digest()).isEqualTo(TO);
    assertThat(JSON.readTree(ready.bundle()).get("mediaType").asString()).isEqualTo("m");
    assertThat(server.requests.get(0).header("Authorization")).isEqualTo("Bearer " + DEVICE_KEY);
  }

  @Test
  void deltaPayloadOnOtherHostIsRejected() {
    server.answer(
        "/device/v1/delta",
        200,
        "{\"status\":\"ready\",\"bundle\":{},\"payload\":{\"url\":\"http://192.0.2.1/p\","
            + "\"size\":1,\"digest\":\""
            + TO
            + "\"}}");

    assertThatThrownBy(() -> api.delta(FROM, TO))
        .hasMessageContaining("not on the configured server")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.PROTOCOL);
  }

  @Test
  void deltaGeneratingReadsRetryAfter() {
    server.on(
        "/device/v1/delta",
        (exchange, body) -> {
          exchange.getResponseHeaders().set("Retry-After", "7");
          StubServer.send(exchange, 202, "{\"status\":\"generating\",\"retryAfterSeconds\":7}");
        });

    DeltaOffer offer = api.delta(FROM, TO);

    assertThat(offer).isEqualTo(new DeltaOffer.Generating(Duration.ofSeconds(7)));
  }

  @Test
  void deltaFullCarriesReason() {
    server.answer("/device/v1/delta", 200, "{\"status\":\"full\",\"reason\":\"too large\"}");

    assertThat(api.delta(FROM, TO)).isEqualTo(new DeltaOffer.Full("too large"));
  }

  @Test
  void deltaSendsBothDigests() {
    server.answer("/device/v1/delta", 200, "{\"status\":\"full\",\"reason\":\"r\"}");

    api.delta(FROM, TO);

    assertThat(server.requests.get(0).path()).isEqualTo("/device/v1/delta");
    assertThat(server.requests.get(0).query())
        .isEqualTo("from=sha256%3A" + FROM.hex() + "&to=sha256%3A" + TO.hex());
  }

  @Test
  void endpointPathPrefixIsKept() {
    server.answer("/slipway/device/v1/" + UUID + "/fleet", 200, fleetJson());
    HttpDeviceApi behindProxy =
        apiFor(server.uri().resolve("/slipway/"), UUID, DEVICE_KEY, Duration.ofSeconds(5));

    assertThat(behindProxy.fleet().slug()).isEqualTo("sensors");
  }

  @Test
  void toStringHidesDeviceKey() {
    assertThat(api.toString()).contains(UUID).doesNotContain(DEVICE_KEY);
  }

  private static void assertFailure(ThrowingCallable call, AgentFailure failure) {
    assertThatThrownBy(call)
        .isInstanceOf(AgentException.class)
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(failure);
  }

  private static HttpDeviceApi apiFor(URI endpoint, String uuid, String key, Duration timeout) {
    var client = HttpDeviceApi.newClient(Duration.ofSeconds(5));
    return new HttpDeviceApi(
        config(endpoint, uuid, key), client, timeout, new HttpDownloader(client));
  }

  static AgentConfig config(URI endpoint, String uuid, String key) {
    return new AgentConfig(
        7,
        "acme/sensors",
        "raspberrypi4-64",
        uuid == null ? PROVISIONING_KEY : null,
        uuid,
        key,
        endpoint,
        endpoint,
        endpoint,
        null,
        Duration.ofMinutes(10),
        List.of());
  }

  private static Registration registration() {
    return new Registration(UUID, "raspberrypi4-64", null, "6.1.24", DEVICE_KEY);
  }

  private static String registeredJson() {
    return "{\"uuid\":\""
        + UUID
        + "\",\"deviceKey\":\""
        + DEVICE_KEY
        + "\",\"fleet\":{\"org\":\"acme\",\"slug\":\"sensors\",\"deviceType\":\"raspberrypi4-64\"},"
        + "\"approved\":true}";
  }

  private static String fleetJson() {
    return "{\"org\":\"acme\",\"slug\":\"sensors\",\"name\":\"Sensors\",\"deviceType\":"
        + "\"raspberrypi4-64\",\"architecture\":\"AARCH64\",\"platform\":\"linux/arm64\"}";
  }

  private static String targetStateJson() {
    return "{\"release\":{\"id\":12,\"version\":\"1.2.0\",\"commit\":\"abc\"},"
        + "\"services\":{\"web\":{\"image\":\"127.0.0.1:5000/acme/sensors/web@"
        + TO
        + "\",\"environment\":{\"MODE\":\"prod\"},"
        + "\"labels\":{\"io.slipway.update.strategy\":\"kill-then-download\"},"
        + "\"configuration\":{\"network_mode\":\"host\",\"ports\":[\"80:80\"]}}},"
        + "\"config\":{\"SLIPWAY_SUPERVISOR_POLL\":\"60\"}}";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
