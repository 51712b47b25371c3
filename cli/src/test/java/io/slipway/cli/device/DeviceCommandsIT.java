package io.slipway.cli.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.device.AcknowledgingDevice.Answer;
import io.slipway.cli.it.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code slipway device} and {@code slipway fleet channel|support-access} commands run
 * in-process against a real server whose embedded broker listens on a loopback WebSocket. One
 * device is connected through it as a plain Paho client that acknowledges commands: {@code
 * identify} succeeds, service {@code web} restarts, service {@code broken} fails, and service
 * {@code silent} never acknowledges.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceCommandsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String FLEET = "acme/alpha";

  @TempDir static Path data;
  @TempDir static Path home;

  private TestServer server;
  private CliRun cli;
  private String provisioningKey;
  private String connected;
  private AcknowledgingDevice device;

  @BeforeAll
  void start() throws Exception {
    server =
        TestServer.start(
            data,
            "acme",
            "--slipway.control.ssh.port=-1",
            "--slipway.control.embedded.tls-port=0",
            "--slipway.control.embedded.websocket-port=0",
            "--slipway.control.command-sweep=PT0.2S");
    createFleet("alpha");
    createFleet("beta");
    provisioningKey =
        server
            .call(
                "POST",
                "/api/v1/orgs/acme/fleets/alpha/provisioning-keys",
                "{\"name\":\"factory\"}",
                server.userToken(),
                201)
            .path("secret")
            .asString();
    cli = new CliRun(home).variable("SLIPWAY_SERVER", server.url());
    cli.variable("SLIPWAY_TOKEN", server.userToken());

    connected = newUuid();
    String key = register(connected);
    String port = Files.readString(data.resolve("control-broker-ws.port")).strip();
    device =
        AcknowledgingDevice.connect(
            "ws://127.0.0.1:" + port + "/mqtt", connected, key, DeviceCommandsIT::answer);
    AcknowledgingDevice.await(
        "device " + connected + " is connected",
        () -> channelState(connected).path("connected").asBoolean());
  }

  @AfterAll
  void stop() throws Exception {
    if (device != null) {
      device.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Answer answer(JsonNode command) {
    String service = command.path("service").asString("");
    return switch (service) {
      case "web" -> new Answer(true, "service web restarted", null);
      case "broken" -> new Answer(false, null, "no service broken in the current release");
      case "silent" -> null;
      default -> new Answer(true, command.path("type").asString() + " done", null);
    };
  }

  private void createFleet(String slug) {
    server.call(
        "POST",
        "/api/v1/orgs/acme/fleets",
        "{\"slug\":\"" + slug + "\",\"deviceType\":\"raspberrypi4-64\",\"requiresApproval\":false}",
        server.userToken(),
        201);
  }

  private static String newUuid() {
    return HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
  }

  /** Registers device {@code uuid} in fleet alpha and returns its device key. */
  private String register(String uuid) {
    return server
        .call(
            "POST",
            "/device/v1/register",
            "{\"uuid\":\"" + uuid + "\",\"deviceType\":\"raspberrypi4-64\"}",
            provisioningKey,
            201)
        .path("deviceKey")
        .asString();
  }

  private JsonNode channelState(String uuid) {
    return server.call(
        "GET", "/api/v1/devices/" + uuid + "/control-channel", "", server.userToken(), 200);
  }

  private static JsonNode json(CliRun.Result result) {
    return JSON.readTree(result.out());
  }

  @Test
  void offlineDeviceGetsNotConnectedError() {
    String offline = newUuid();
    register(offline);

    CliRun.Result result = cli.run("device", "reboot", offline);

    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    assertThat(result.err()).contains("HTTP 409 DEVICE_NOT_CONNECTED");
    assertThat(result.err()).contains(offline);
  }

  @Test
  void identifyWithoutWaitReturnsPendingCommand() {
    CliRun.Result result = cli.run("device", "identify", connected, "--json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode command = json(result);
    assertThat(command.path("id").asString()).startsWith("cmd_");
    assertThat(command.path("type").asString()).isEqualTo("identify");
    assertThat(command.path("device").asString()).isEqualTo(connected);
  }

  @Test
  void restartWithWaitPrintsDeviceResult() {
    CliRun.Result result = cli.run("device", "restart", connected, "web", "--wait");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("(restart-service web) on device " + connected);
    assertThat(result.out()).contains("SUCCEEDED: service web restarted");
  }

  @Test
  void restartWithWaitPrintsJsonCommand() {
    CliRun.Result result = cli.run("device", "restart", connected, "web", "--wait=30s", "--json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode command = json(result);
    assertThat(command.path("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(command.path("service").asString()).isEqualTo("web");
    assertThat(command.path("result").asString()).isEqualTo("service web restarted");
    assertThat(command.path("completedAt").isNull()).isFalse();
  }

  @Test
  void failedCommandExitsWithDeviceError() {
    CliRun.Result result = cli.run("device", "stop", connected, "broken", "--wait", "--json");

    assertThat(result.exitCode()).isEqualTo(6);
    assertThat(json(result).path("status").asString()).isEqualTo("FAILED");
    assertThat(result.err()).contains("no service broken in the current release");
  }

  @Test
  void unansweredCommandExitsTimedOut() {
    CliRun.Result result =
        cli.run("device", "start", connected, "silent", "--timeout", "1s", "--wait");

    assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(7);
    assertThat(result.out()).contains("TIMED_OUT");
    assertThat(result.err()).contains("did not answer command");
  }

  @Test
  void shortWaitExitsWhileStillPending() {
    CliRun.Result result =
        cli.run("device", "restart", connected, "silent", "--timeout", "5m", "--wait=1s");

    assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(8);
    assertThat(result.out()).contains("PENDING until");
    assertThat(result.err()).contains("is still pending");
  }

  @Test
  void outOfRangeTimeoutNamesValue() {
    CliRun.Result result = cli.run("device", "reboot", connected, "--timeout", "11m");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("INVALID_COMMAND");
    assertThat(result.err()).contains("PT11M");
  }

  @Test
  void showIncludesChannelAndConnection() {
    CliRun.Result text = cli.run("device", "show", connected);
    CliRun.Result document = cli.run("device", "show", connected, "--json");

    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).contains("Fleet:          " + FLEET);
    assertThat(text.out()).contains("Control channel: on (device setting: fleet, fleet: on)");
    assertThat(text.out()).contains("), connected");
    assertThat(document.exitCode()).as(document.err()).isZero();
    assertThat(json(document).path("uuid").asString()).isEqualTo(connected);
    assertThat(json(document).path("controlChannel").path("connected").asBoolean()).isTrue();
  }

  @Test
  void listShowsFleetDevices() {
    CliRun.Result table = cli.run("device", "list", "--fleet", FLEET);
    CliRun.Result document = cli.run("device", "list", "--fleet", FLEET, "--json");

    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).startsWith("UUID");
    assertThat(table.out()).contains(connected);
    assertThat(document.exitCode()).as(document.err()).isZero();
    assertThat(json(document).findValuesAsString("uuid")).contains(connected);
  }

  @Test
  void deviceChannelSwitchesOffAndBack() {
    String uuid = newUuid();
    register(uuid);

    CliRun.Result off = cli.run("device", "channel", uuid, "off", "--for", "2h", "--json");
    CliRun.Result shown = cli.run("device", "channel", uuid);
    CliRun.Result back = cli.run("device", "channel", uuid, "fleet");

    assertThat(off.exitCode()).as(off.err()).isZero();
    assertThat(json(off).path("enabled").asBoolean()).isFalse();
    assertThat(json(off).path("setting").asString()).isEqualTo("off");
    assertThat(json(off).path("until").isNumber()).isTrue();
    assertThat(shown.out()).contains("off (device setting: off until ");
    assertThat(back.exitCode()).as(back.err()).isZero();
    assertThat(back.out()).contains(": on (device setting: fleet, fleet: on)");
  }

  @Test
  void fleetChannelSwitchesOffAndOn() {
    CliRun.Result off = cli.run("fleet", "channel", "acme/beta", "off");
    CliRun.Result shown = cli.run("fleet", "channel", "acme/beta", "--json");
    CliRun.Result on = cli.run("fleet", "channel", "acme/beta", "on");

    assertThat(off.exitCode()).as(off.err()).isZero();
    assertThat(off.out()).contains("Control channel of fleet acme/beta: off");
    assertThat(json(shown).path("enabled").asBoolean()).isFalse();
    assertThat(on.out()).contains("Control channel of fleet acme/beta: on");
  }

  @Test
  void revokedKeyStopsTheDevice() {
    String uuid = newUuid();
    String key = register(uuid);

    CliRun.Result revoked = cli.run("device", "revoke-key", uuid, "--yes");

    assertThat(revoked.exitCode()).as(revoked.err()).isZero();
    assertThat(revoked.out()).contains("Revoked the key of device " + uuid);
    server.call("GET", "/device/v1/" + uuid + "/control-channel", "", key, 401);
  }

  @Test
  void supportAccessGrantListRevoke() {
    CliRun.Result granted =
        cli.run("fleet", "support-access", "grant", "acme/beta", "--for", "4h", "--json");
    CliRun.Result listed = cli.run("fleet", "support-access", "list", "acme/beta");
    CliRun.Result revoked = cli.run("fleet", "support-access", "revoke", "acme/beta");
    CliRun.Result after = cli.run("fleet", "support-access", "list", "acme/beta", "--json");

    assertThat(granted.exitCode()).as(granted.err()).isZero();
    assertThat(json(granted).path("active").asBoolean()).isTrue();
    assertThat(json(granted).path("grantedBy").asString()).isEqualTo(TestServer.USER);
    assertThat(listed.out()).startsWith("ID");
    assertThat(listed.out()).contains(TestServer.USER);
    assertThat(revoked.exitCode()).as(revoked.err()).isZero();
    assertThat(json(after).get(0).path("active").asBoolean()).isFalse();
    assertThat(json(after).get(0).path("revokedBy").asString()).isEqualTo(TestServer.USER);
  }

  @Test
  void administratorNeedsSupportAccess() {
    CliRun administrator =
        new CliRun(home)
            .variable("SLIPWAY_SERVER", server.url())
            .variable("SLIPWAY_TOKEN", server.adminToken());

    CliRun.Result denied = administrator.run("device", "identify", connected);
    CliRun.Result granted = cli.run("fleet", "support-access", "grant", FLEET, "--for", "1h");
    CliRun.Result allowed = administrator.run("device", "identify", connected, "--wait");
    CliRun.Result revoked = cli.run("fleet", "support-access", "revoke", FLEET);
    CliRun.Result deniedAgain = administrator.run("device", "identify", connected);

    assertThat(denied.exitCode()).as(denied.err()).isEqualTo(3);
    assertThat(denied.err()).contains("SUPPORT_ACCESS_REQUIRED");
    assertThat(granted.exitCode()).as(granted.err()).isZero();
    assertThat(allowed.exitCode()).as(allowed.err()).isZero();
    assertThat(allowed.out()).contains("SUCCEEDED: identify done");
    assertThat(revoked.exitCode()).as(revoked.err()).isZero();
    assertThat(deniedAgain.exitCode()).as(deniedAgain.err()).isEqualTo(3);
  }
}
