package io.slipway.api.devicelog;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.devicelog.DeviceLogWorld.TestDevice;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Device logs through the running server: sending, reading, following, limits and access. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceLogIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int RETAINED = 20;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir static Path dataDirectory;

  private ControlPlaneFixture fixture;
  private ConfigurableApplicationContext server;
  private HttpTestClient http;
  private DeviceLogWorld world;
  private String viewer;
  private String outsider;

  /** Returns a new database for the server of this class. */
  TestDatabase freshDatabase() {
    return TestDatabase.h2();
  }

  @BeforeAll
  void startServer() {
    fixture =
        ControlPlaneFixture.start(
            freshDatabase(), dataDirectory, "--slipway.device-logs.retained-lines=" + RETAINED);
    server = fixture.server();
    http = new HttpTestClient(fixture.port());
    world = new DeviceLogWorld(fixture, "acme", "pumps");
    viewer = world.user("vera", Role.VIEWER);
    outsider = world.user("otto", null);
  }

  @AfterAll
  void stopServer() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private HttpResponse<String> send(TestDevice device, String uuid, String body) {
    return http.post(
        "/device/v1/" + uuid + "/logs",
        "application/json",
        body,
        "Authorization",
        "Bearer " + device.key());
  }

  private HttpResponse<String> read(String uuid, String query, String token) {
    return http.get(
        "/api/v1/devices/" + uuid + "/logs" + query, "Authorization", "Bearer " + token);
  }

  private static String line(long timestamp, String message) {
    return "{\"timestamp\":" + timestamp + ",\"message\":\"" + message + "\"}";
  }

  private static String batch(Stream<String> lines) {
    return lines.collect(Collectors.joining(",", "[", "]"));
  }

  private static String code(HttpResponse<String> response) {
    return JSON.readTree(response.body()).path("code").asString();
  }

  private static List<String> messages(HttpResponse<String> response) {
    JsonNode lines = JSON.readTree(response.body());
    return lines.valueStream().map(node -> node.path("message").asString()).toList();
  }

  @Test
  void viewerReadsLinesDeviceSent() {
    TestDevice device = world.device();
    String body =
        "[{\"timestamp\":1000,\"service\":\"web\",\"message\":\"listening\"},"
            + "{\"timestamp\":1001,\"message\":\"oom\",\"isStderr\":true,\"isSystem\":true}]";

    assertThat(send(device, device.uuid(), body).statusCode()).isEqualTo(204);
    HttpResponse<String> response = read(device.uuid(), "", viewer);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode lines = JSON.readTree(response.body());
    assertThat(lines.size()).isEqualTo(2);
    assertThat(lines.get(0).path("service").asString()).isEqualTo("web");
    assertThat(lines.get(0).path("timestamp").asLong()).isEqualTo(1000);
    assertThat(lines.get(1).path("isStderr").asBoolean()).isTrue();
    assertThat(lines.get(1).path("isSystem").asBoolean()).isTrue();
  }

  @Test
  void countAndSinceSelectNewestLines() {
    TestDevice device = world.device();
    send(device, device.uuid(), batch(IntStream.range(0, 5).mapToObj(i -> line(i, "m" + i))));

    assertThat(messages(read(device.uuid(), "?count=2", viewer))).containsExactly("m3", "m4");
    assertThat(messages(read(device.uuid(), "?since=3", viewer))).containsExactly("m3", "m4");
  }

  @Test
  void onlyNewestLinesAreKept() {
    TestDevice device = world.device();
    int sent = RETAINED + 5;

    send(device, device.uuid(), batch(IntStream.range(0, sent).mapToObj(i -> line(i, "m" + i))));

    assertThat(world.storedLines(device.uuid())).isEqualTo(RETAINED);
    assertThat(messages(read(device.uuid(), "?count=" + RETAINED, viewer)).get(0)).isEqualTo("m5");
  }

  @Test
  void deviceCannotSendToAnotherDevicesLog() {
    TestDevice victim = world.device();
    TestDevice intruder = world.device();

    HttpResponse<String> response = send(intruder, victim.uuid(), "[" + line(1, "forged") + "]");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(code(response)).isEqualTo("FORBIDDEN");
    assertThat(world.storedLines(victim.uuid())).isZero();
  }

  @Test
  void userCannotSendDeviceLogs() {
    TestDevice device = world.device();

    HttpResponse<String> response =
        http.post(
            "/device/v1/" + device.uuid() + "/logs",
            "application/json",
            "[" + line(1, "x") + "]",
            "Authorization",
            "Bearer " + viewer);

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void nonMemberSeesNoDevice() {
    TestDevice device = world.device();

    HttpResponse<String> response = read(device.uuid(), "", outsider);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(code(response)).isEqualTo("DEVICE_NOT_FOUND");
  }

  @Test
  void readingWithoutCredentialsIsUnauthorized() {
    TestDevice device = world.device();

    assertThat(http.get("/api/v1/devices/" + device.uuid() + "/logs").statusCode()).isEqualTo(401);
  }

  @Test
  void batchOfTooManyLinesIsRefused() {
    TestDevice device = world.device();
    String body =
        batch(IntStream.range(0, DeviceLogBatch.MAX_LINES + 1).mapToObj(i -> line(i, "x")));

    HttpResponse<String> response = send(device, device.uuid(), body);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(code(response)).isEqualTo("DEVICE_LOG_BATCH_TOO_LARGE");
  }

  @Test
  void batchOverOneMebibyteIsRefused() {
    TestDevice device = world.device();
    String message = "x".repeat(9_000);
    String body = batch(IntStream.range(0, 120).mapToObj(i -> line(i, message)));

    HttpResponse<String> response = send(device, device.uuid(), body);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(code(response)).isEqualTo("DEVICE_LOG_BATCH_TOO_LARGE");
  }

  @Test
  void overlongMessageIsRefusedWithItsIndex() {
    TestDevice device = world.device();
    String body =
        "[" + line(1, "ok") + "," + line(2, "x".repeat(DeviceLogLine.MAX_MESSAGE_CHARS + 1)) + "]";

    HttpResponse<String> response = send(device, device.uuid(), body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(code(response)).isEqualTo("DEVICE_LOG_INVALID_LINE");
    assertThat(JSON.readTree(response.body()).path("message").asString()).startsWith("Log line 1 ");
    assertThat(world.storedLines(device.uuid())).isZero();
  }

  @Test
  void followerReceivesLineSentAfterSubscribing() throws Exception {
    TestDevice device = world.device();
    HttpResponse<Stream<String>> stream = follow(device);
    try (Stream<String> lines = stream.body()) {
      assertThat(stream.statusCode()).isEqualTo(200);
      Iterator<String> events = lines.iterator();
      // The stream opens with a comment once the subscription is in place.
      assertThat(events.next()).startsWith(":following");

      send(device, device.uuid(), "[" + line(42, "after subscribing") + "]");

      String data = CompletableFuture.supplyAsync(() -> nextData(events)).get(20, TimeUnit.SECONDS);
      JsonNode line = JSON.readTree(data);
      assertThat(line.path("message").asString()).isEqualTo("after subscribing");
      assertThat(line.path("timestamp").asLong()).isEqualTo(42);
    }
  }

  @Test
  void followerResumesAfterLastEventId() throws Exception {
    TestDevice device = world.device();
    send(device, device.uuid(), batch(IntStream.range(0, 3).mapToObj(i -> line(i, "m" + i))));
    long firstId = JSON.readTree(read(device.uuid(), "", viewer).body()).get(0).path("id").asLong();

    HttpResponse<Stream<String>> stream = follow(device, "Last-Event-ID", Long.toString(firstId));
    try (Stream<String> lines = stream.body()) {
      Iterator<String> events = lines.iterator();
      String second =
          CompletableFuture.supplyAsync(() -> nextData(events)).get(20, TimeUnit.SECONDS);
      String third =
          CompletableFuture.supplyAsync(() -> nextData(events)).get(20, TimeUnit.SECONDS);

      assertThat(JSON.readTree(second).path("message").asString()).isEqualTo("m1");
      assertThat(JSON.readTree(third).path("message").asString()).isEqualTo("m2");
    }
  }

  @Test
  void invalidLastEventIdIsRejected() {
    TestDevice device = world.device();

    HttpResponse<String> response =
        http.get(
            "/api/v1/devices/" + device.uuid() + "/logs/stream",
            "Authorization",
            "Bearer " + viewer,
            "Last-Event-ID",
            "yesterday");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(code(response)).isEqualTo("INVALID_PARAMETER");
  }

  @Test
  void nonMemberCannotFollow() {
    TestDevice device = world.device();

    HttpResponse<String> response =
        http.get(
            "/api/v1/devices/" + device.uuid() + "/logs/stream",
            "Authorization",
            "Bearer " + outsider);

    assertThat(response.statusCode()).isEqualTo(404);
  }

  /** Opens the log stream of {@code device} as the viewer, with extra header name/value pairs. */
  private HttpResponse<Stream<String>> follow(TestDevice device, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + TestServers.port(server)
                        + "/api/v1/devices/"
                        + device.uuid()
                        + "/logs/stream"))
            .header("Authorization", "Bearer " + viewer)
            .header("Accept", "text/event-stream");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines());
  }

  private static String nextData(Iterator<String> events) {
    while (events.hasNext()) {
      String event = events.next();
      if (event.startsWith("data:")) {
        return event.substring("data:".length());
      }
    }
    throw new AssertionError("The event stream ended without a data line");
  }
}
