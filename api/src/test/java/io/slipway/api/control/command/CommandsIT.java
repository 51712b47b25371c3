package io.slipway.api.control.command;

import static io.slipway.api.control.TestMqttDevice.awaitCondition;
import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.control.OpenMosquittoBroker;
import io.slipway.api.control.TestMqttDevice;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.mqtt.MosquittoProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Commands through the whole server: HTTP requests by an operator, a real Mosquitto, and plain Paho
 * clients that play devices and answer on their events topics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandsIT {

  private static final String ORG = "command-org";
  private static final String FLEET = "main";
  private static final String DEVICE_TYPE = "generic-amd64";
  private static final int WAITS_PER_USER = 3;

  @TempDir static Path dataDirectory;
  @TempDir static Path brokerDirectory;

  private MosquittoProcess broker;
  private ControlPlaneFixture fixture;
  private ControlLink link;
  private String operator;
  private String secondOperator;
  private String viewer;
  private String provisioningKey;
  private final AtomicInteger fleets = new AtomicInteger();
  private final ExecutorService waitingClients = Executors.newCachedThreadPool();

  /** A registered device: its UUID and key. */
  private record Registered(String uuid, String key) {}

  @BeforeAll
  void start() {
    broker = MosquittoProcess.startOpen(brokerDirectory);
    fixture =
        ControlPlaneFixture.start(
            TestDatabase.h2(),
            dataDirectory,
            "--spring.main.sources=" + OpenMosquittoBroker.Configuration.class.getName(),
            "--" + OpenMosquittoBroker.URL_SETTING + "=" + broker.url(),
            "--slipway.control.command-sweep=PT0.1S",
            "--slipway.control.command-waits-per-user=" + WAITS_PER_USER,
            // Fewer request threads than held waits: a wait that held a thread would starve the
            // other requests of heldWaitsLeaveThreadsFree.
            "--server.tomcat.threads.max=4",
            "--server.tomcat.threads.min-spare=1");
    link = fixture.server().getBean(ControlLink.class);
    fixture.createOrganization(ORG);
    fixture.createFleet(ORG, FLEET, DEVICE_TYPE, false);
    operator = fixture.user("operator", ORG, Role.OPERATOR);
    secondOperator = fixture.user("second-operator", ORG, Role.OPERATOR);
    viewer = fixture.user("viewer", ORG, Role.VIEWER);
    provisioningKey = fixture.provisioningKey(ORG, FLEET, "{\"name\":\"factory\"}");
  }

  @AfterAll
  void stop() {
    waitingClients.shutdownNow();
    if (fixture != null) {
      fixture.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private Registered register(String key) {
    String uuid = ControlPlaneFixture.newUuid();
    return new Registered(uuid, fixture.registeredDevice(key, uuid, DEVICE_TYPE));
  }

  /** Registers a device of the shared fleet and connects it to the broker. */
  private TestMqttDevice connected() throws Exception {
    return connect(register(provisioningKey));
  }

  private TestMqttDevice connect(Registered device) throws Exception {
    TestMqttDevice client = TestMqttDevice.connect(broker.url(), device.uuid(), device.key());
    awaitCondition("device " + device.uuid() + " is online", () -> link.isOnline(device.uuid()));
    return client;
  }

  private Response send(String uuid, String body) {
    return fixture.post("/api/v1/devices/" + uuid + "/commands", operator, body);
  }

  private JsonNode await(String uuid, String id) {
    return expect(
            fixture.get("/api/v1/devices/" + uuid + "/commands/" + id + "?wait=PT20S", operator),
            200)
        .json();
  }

  /** Starts {@code count} reads of command {@code id} that wait, and returns them. */
  private List<CompletableFuture<Response>> startWaits(
      String token, String uuid, String id, int count) {
    List<CompletableFuture<Response>> waits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      waits.add(
          CompletableFuture.supplyAsync(
              () ->
                  fixture.get("/api/v1/devices/" + uuid + "/commands/" + id + "?wait=PT20S", token),
              waitingClients));
    }
    return waits;
  }

  private void awaitHeld(int count) throws InterruptedException {
    HeldCommandReads held = fixture.server().getBean(HeldCommandReads.class);
    awaitCondition(count + " waits are held", () -> held.heldCount() == count);
  }

  @Test
  void waitsBeyondUserLimitAreRejected() throws Exception {
    try (TestMqttDevice device = connected()) {
      String id =
          expect(send(device.uuid(), "{\"type\":\"identify\"}"), 202).json().path("id").asString();
      List<CompletableFuture<Response>> waits =
          startWaits(operator, device.uuid(), id, WAITS_PER_USER);
      awaitHeld(WAITS_PER_USER);

      Response extra =
          fixture.get(
              "/api/v1/devices/" + device.uuid() + "/commands/" + id + "?wait=PT20S", operator);
      device.ack(id, true, "identified", null);

      assertThat(extra.status()).isEqualTo(429);
      assertThat(extra.code()).isEqualTo("COMMAND_WAIT_LIMIT_REACHED");
      for (CompletableFuture<Response> wait : waits) {
        assertThat(expect(wait.get(), 200).json().path("status").asString()).isEqualTo("SUCCEEDED");
      }
      awaitHeld(0);
    }
  }

  @Test
  void heldWaitsLeaveThreadsFree() throws Exception {
    try (TestMqttDevice device = connected()) {
      String id =
          expect(send(device.uuid(), "{\"type\":\"identify\"}"), 202).json().path("id").asString();
      List<CompletableFuture<Response>> waits = new ArrayList<>();
      waits.addAll(startWaits(operator, device.uuid(), id, WAITS_PER_USER));
      waits.addAll(startWaits(secondOperator, device.uuid(), id, WAITS_PER_USER));
      awaitHeld(2 * WAITS_PER_USER);

      Response user = fixture.get("/api/v1/user", viewer);
      device.ack(id, true, "identified", null);

      assertThat(user.status()).isEqualTo(200);
      for (CompletableFuture<Response> wait : waits) {
        assertThat(expect(wait.get(), 200).json().path("status").asString()).isEqualTo("SUCCEEDED");
      }
    }
  }

  @Test
  void commandRoundTripSucceeds() throws Exception {
    try (TestMqttDevice device = connected()) {
      JsonNode sent = expect(send(device.uuid(), "{\"type\":\"reboot\"}"), 202).json();
      JsonNode received = device.nextCommand();
      device.ack(received.path("id").asString(), true, "rebooting", null);

      JsonNode ended = await(device.uuid(), sent.path("id").asString());

      assertThat(sent.path("status").asString()).isEqualTo("PENDING");
      assertThat(sent.path("createdBy").asString()).isEqualTo("operator");
      assertThat(received.path("type").asString()).isEqualTo("reboot");
      assertThat(received.path("id").asString()).isEqualTo(sent.path("id").asString());
      assertThat(received.path("deadline").asString()).isEqualTo(sent.path("deadline").asString());
      assertThat(ended.path("status").asString()).isEqualTo("SUCCEEDED");
      assertThat(ended.path("result").asString()).isEqualTo("rebooting");
      assertThat(ended.path("completedAt").isNull()).isFalse();
    }
  }

  @Test
  void deviceErrorEndsFailed() throws Exception {
    try (TestMqttDevice device = connected()) {
      String id =
          expect(send(device.uuid(), "{\"type\":\"restart-service\",\"service\":\"web\"}"), 202)
              .json()
              .path("id")
              .asString();
      JsonNode received = device.nextCommand();
      device.ack(id, false, null, "service web is not installed");

      JsonNode ended = await(device.uuid(), id);

      assertThat(received.path("service").asString()).isEqualTo("web");
      assertThat(ended.path("status").asString()).isEqualTo("FAILED");
      assertThat(ended.path("error").asString()).isEqualTo("service web is not installed");
    }
  }

  @Test
  void unansweredCommandTimesOut() throws Exception {
    try (TestMqttDevice device = connected()) {
      String id =
          expect(send(device.uuid(), "{\"type\":\"identify\",\"timeout\":\"PT1S\"}"), 202)
              .json()
              .path("id")
              .asString();
      device.nextCommand();

      JsonNode ended = await(device.uuid(), id);

      assertThat(ended.path("status").asString()).isEqualTo("TIMED_OUT");
    }
  }

  @Test
  void ackFromOtherDeviceIsIgnored() throws Exception {
    try (TestMqttDevice device = connected();
        TestMqttDevice intruder = connected()) {
      String id =
          expect(send(device.uuid(), "{\"type\":\"identify\"}"), 202).json().path("id").asString();
      device.nextCommand();

      intruder.ack(id, true, "forged", null);
      // The server applies a device's events in the order the broker delivers them, so the real
      // answer below is applied after the forged one.
      device.ack(id, false, null, "real answer");
      JsonNode ended = await(device.uuid(), id);

      assertThat(ended.path("status").asString()).isEqualTo("FAILED");
      assertThat(ended.path("error").asString()).isEqualTo("real answer");
    }
  }

  @Test
  void offlineDeviceIsRefused() {
    Registered device = register(provisioningKey);

    Response response = send(device.uuid(), "{\"type\":\"reboot\"}");

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.code()).isEqualTo("DEVICE_NOT_CONNECTED");
  }

  @Test
  void deviceThatLeftIsRefused() throws Exception {
    try (TestMqttDevice device = connected()) {
      device.vanish();
      awaitCondition("the device is offline", () -> !link.isOnline(device.uuid()));

      Response response = send(device.uuid(), "{\"type\":\"reboot\"}");

      assertThat(response.code()).isEqualTo("DEVICE_NOT_CONNECTED");
    }
  }

  @Test
  void revokedDeviceIsRefusedAtOnce() throws Exception {
    Registered registered = register(provisioningKey);
    try (TestMqttDevice device = connect(registered)) {
      // The open broker cannot disconnect the device, so its presence still reads online.
      expect(fixture.delete("/api/v1/devices/" + registered.uuid() + "/key", operator), 204);

      Response sent = send(registered.uuid(), "{\"type\":\"identify\"}");

      assertThat(sent.status()).isEqualTo(409);
      assertThat(sent.code()).isEqualTo("DEVICE_NOT_CONNECTED");
    }
  }

  @Test
  void serverOnlyCommandIsRefused() throws Exception {
    try (TestMqttDevice device = connected()) {
      Response response = send(device.uuid(), "{\"type\":\"open-terminal\"}");

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.code()).isEqualTo("INVALID_COMMAND");
      assertThat(device.pollCommand(Duration.ofMillis(200))).isNull();
    }
  }

  @Test
  void viewerCannotSendCommands() throws Exception {
    try (TestMqttDevice device = connected()) {
      Response response =
          fixture.post(
              "/api/v1/devices/" + device.uuid() + "/commands", viewer, "{\"type\":\"reboot\"}");

      assertThat(response.status()).isEqualTo(403);
    }
  }

  @Test
  void listShowsNewestFirst() throws Exception {
    try (TestMqttDevice device = connected()) {
      String first =
          expect(send(device.uuid(), "{\"type\":\"identify\"}"), 202).json().path("id").asString();
      String second =
          expect(send(device.uuid(), "{\"type\":\"update\"}"), 202).json().path("id").asString();

      JsonNode list =
          expect(
                  fixture.get("/api/v1/devices/" + device.uuid() + "/commands?limit=1", operator),
                  200)
              .json();
      JsonNode all =
          expect(fixture.get("/api/v1/devices/" + device.uuid() + "/commands", operator), 200)
              .json();

      assertThat(list.size()).isEqualTo(1);
      assertThat(list.get(0).path("id").asString()).isEqualTo(second);
      assertThat(all.get(1).path("id").asString()).isEqualTo(first);
    }
  }

  @Test
  void sendingAndAnswerAreAudited() throws Exception {
    try (TestMqttDevice device = connected()) {
      String id =
          expect(send(device.uuid(), "{\"type\":\"identify\"}"), 202).json().path("id").asString();
      device.nextCommand();
      device.ack(id, true, "blinked", null);
      await(device.uuid(), id);

      List<String> actions =
          fixture
              .jdbc()
              .sql(
                  "SELECT action FROM audit_log WHERE target = ? AND action LIKE"
                      + " 'device.command.%' ORDER BY id")
              .param(device.uuid())
              .query(String.class)
              .list();

      assertThat(actions).containsExactly("device.command.sent", "device.command.completed");
    }
  }

  @Test
  void fleetCommandReachesConnectedDevices() throws Exception {
    String fleet = "fleet-" + fleets.incrementAndGet();
    fixture.createFleet(ORG, fleet, DEVICE_TYPE, false);
    String key = fixture.provisioningKey(ORG, fleet, "{\"name\":\"factory\"}");
    Registered offline = register(key);
    try (TestMqttDevice first = connect(register(key));
        TestMqttDevice second = connect(register(key))) {

      JsonNode batch =
          expect(
                  fixture.post(
                      "/api/v1/orgs/" + ORG + "/fleets/" + fleet + "/commands",
                      operator,
                      "{\"type\":\"identify\"}"),
                  202)
              .json();

      assertThat(batch.path("sent").asInt()).isEqualTo(2);
      assertThat(batch.path("batch").asString()).startsWith("cmdb_");
      JsonNode received = first.nextCommand();
      assertThat(received.path("type").asString()).isEqualTo("identify");
      assertThat(second.nextCommand().path("type").asString()).isEqualTo("identify");
      // The deadlines start after the batch's rows are in; the row and the message must agree.
      assertThat(
              fixture
                  .jdbc()
                  .sql("SELECT deadline FROM device_command WHERE id = ?")
                  .param(received.path("id").asString())
                  .query(Long.class)
                  .single())
          .isEqualTo(Instant.parse(received.path("deadline").asString()).toEpochMilli());
      assertThat(
              fixture
                  .jdbc()
                  .sql("SELECT COUNT(*) FROM device_command WHERE batch_id = ?")
                  .param(batch.path("batch").asString())
                  .query(Integer.class)
                  .single())
          .isEqualTo(2);
      assertThat(
              fixture
                  .jdbc()
                  .sql(
                      "SELECT COUNT(*) FROM device_command c JOIN device d ON d.id = c.device_id"
                          + " WHERE d.uuid = ?")
                  .param(offline.uuid())
                  .query(Integer.class)
                  .single())
          .isZero();
    }
  }

  @Test
  void fleetCommandRefusesReboot() {
    Response response =
        fixture.post(
            "/api/v1/orgs/" + ORG + "/fleets/" + FLEET + "/commands",
            operator,
            "{\"type\":\"reboot\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_COMMAND");
  }

  @Test
  void targetChangeSendsUpdate() throws Exception {
    try (TestMqttDevice device = connected()) {
      expect(
          fixture.put(
              "/api/v1/orgs/" + ORG + "/fleets/" + FLEET + "/target",
              fixture.adminToken(),
              "{\"trackLatest\":true}"),
          200);

      JsonNode update = device.nextCommand();

      assertThat(update.path("type").asString()).isEqualTo("update");
      assertThat(update.path("id").asString()).startsWith("cmd_");
    }
  }
}
