package io.slipway.api.control.terminal;

import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.slipway.api.access.Role;
import io.slipway.api.control.terminal.FakeDevices.Behaviour;
import io.slipway.api.control.terminal.FakeDevices.Dial;
import io.slipway.api.fleet.ControlPlaneFixture;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Terminal sessions through the user WebSocket, with the whole server and devices that dial their
 * tunnels like the agent does ({@link FakeDevices}, {@link FakeShell}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TerminalIT {

  static final Duration WAIT = Duration.ofSeconds(20);

  private final HttpClient client = HttpClient.newHttpClient();
  private final List<TerminalClient> opened = new CopyOnWriteArrayList<>();
  private ControlPlaneFixture fixture;
  private FakeDevices devices;
  private String operator;
  private String shellDevice;
  private String shellKey;
  private String silentDevice;
  private String refusingDevice;
  private String otherKey;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture = TerminalServers.start(dataDirectory);
    devices = TerminalServers.devices(fixture);
    String provisioning = fixture.provisioningKey("acme", "alpha", "{\"name\":\"p\"}");

    shellDevice = newUuid();
    shellKey = fixture.registeredDevice(provisioning, shellDevice, "raspberrypi4-64");
    devices.enroll(shellDevice, shellKey, Behaviour.SHELL);
    silentDevice = newUuid();
    devices.enroll(
        silentDevice,
        fixture.registeredDevice(provisioning, silentDevice, "raspberrypi4-64"),
        Behaviour.SILENT);
    refusingDevice = newUuid();
    devices.enroll(
        refusingDevice,
        fixture.registeredDevice(provisioning, refusingDevice, "raspberrypi4-64"),
        Behaviour.REFUSE);
    String other = newUuid();
    otherKey = fixture.registeredDevice(provisioning, other, "raspberrypi4-64");
    operator = fixture.user("ops", "acme", Role.OPERATOR);
  }

  @AfterEach
  void closeTerminals() {
    opened.forEach(TerminalClient::close);
    opened.clear();
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void sessionRelaysInputAndOutput() {
    TerminalClient terminal = open(shellDevice, operator);
    await().atMost(WAIT).until(() -> terminal.output().contains("ready"));

    terminal.type("hello\n");

    await().atMost(WAIT).until(() -> terminal.output().contains("got: hello"));
  }

  @Test
  void resizeReachesTheDevice() {
    TerminalClient terminal = open(shellDevice, operator);
    await().atMost(WAIT).until(() -> terminal.output().contains("ready"));

    terminal.resize(120, 40);

    await().atMost(WAIT).until(() -> terminal.output().contains("resized 120x40"));
  }

  @Test
  void exitCodeReachesTheUser() {
    TerminalClient terminal = open(shellDevice, operator);
    await().atMost(WAIT).until(() -> terminal.output().contains("ready"));

    terminal.type("exit 3\n");

    await().atMost(WAIT).until(terminal::isClosed);
    assertThat(terminal.messages()).containsExactly("{\"type\":\"exit\",\"code\":3}");
  }

  @Test
  void droppedDeviceEndsWithReadableReason() {
    TerminalClient terminal = open(shellDevice, operator);
    await().atMost(WAIT).until(() -> terminal.output().contains("ready"));

    terminal.type("drop\n");

    await().atMost(WAIT).until(terminal::isClosed);
    assertThat(String.join("\n", terminal.messages()))
        .contains("the device closed the terminal")
        .doesNotContain("null");
  }

  @Test
  void openingAndClosingAreAudited() {
    TerminalClient terminal = open(shellDevice, operator);
    await().atMost(WAIT).until(() -> terminal.output().contains("ready"));
    terminal.type("exit 0\n");
    await().atMost(WAIT).until(terminal::isClosed);

    await().atMost(WAIT).until(() -> audited("terminal.closed").contains("\"exitCode\":0"));
    assertThat(audited("terminal.opened")).contains("\"via\":\"websocket\"");
  }

  @Test
  void reusedTokenIsRefused() {
    TerminalClient terminal = open(shellDevice, operator);
    await().atMost(WAIT).until(() -> terminal.output().contains("ready"));
    Dial used = lastDial(shellDevice);

    assertThat(dialStatus(used.path(), shellKey, used.token())).isEqualTo(403);
  }

  @Test
  void wrongTokenIsRefused() {
    TerminalClient terminal = open(shellDevice, operator);
    await().atMost(WAIT).until(() -> terminal.output().contains("ready"));
    String otherTunnel = lastDial(shellDevice).path().replaceFirst("tun_.*", "tun_forged");

    assertThat(dialStatus(otherTunnel, shellKey, "slt_forged")).isEqualTo(403);
  }

  @Test
  void otherDevicesKeyIsRefused() {
    open(silentDevice, operator);
    Dial pending = lastDial(silentDevice);

    assertThat(dialStatus(pending.path(), otherKey, pending.token())).isEqualTo(403);
  }

  @Test
  void idleSessionIsClosed() {
    TerminalClient terminal = open(shellDevice, operator);
    await().atMost(WAIT).until(() -> terminal.output().contains("ready"));

    await().atMost(WAIT).until(terminal::isClosed);

    assertThat(terminal.messages()).singleElement().asString().contains("idle timeout");
  }

  @Test
  void deviceThatNeverDialsIsUnavailable() {
    TerminalClient terminal = open(silentDevice, operator);

    await().atMost(WAIT).until(terminal::isClosed);

    assertThat(terminal.messages()).singleElement().asString().contains("TERMINAL_UNAVAILABLE");
  }

  @Test
  void deviceErrorReachesTheUser() {
    TerminalClient terminal = open(refusingDevice, operator, "?service=web");

    await().atMost(WAIT).until(terminal::isClosed);

    assertThat(terminal.messages()).singleElement().asString().contains("'web' is not running");
  }

  @Test
  void viewerCannotOpenTerminal() {
    String viewer = fixture.user("viewer", "acme", Role.VIEWER);

    assertThat(handshakeStatus(shellDevice, viewer)).isEqualTo(403);
  }

  private TerminalClient open(String uuid, String token) {
    return open(uuid, token, "");
  }

  private TerminalClient open(String uuid, String token, String query) {
    TerminalClient terminal =
        TerminalClient.open(
            client, devices.url("/api/v1/devices/" + uuid + "/terminal" + query), token);
    opened.add(terminal);
    return terminal;
  }

  private int handshakeStatus(String uuid, String token) {
    try {
      open(uuid, token);
      return 101;
    } catch (CompletionException e) {
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  private int dialStatus(String path, String deviceKey, String token) {
    try {
      FakeShell.dial(client, devices.url(path), "device", deviceKey, token).join();
      return 101;
    } catch (CompletionException e) {
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  private Dial lastDial(String uuid) {
    await()
        .atMost(WAIT)
        .until(() -> devices.dials().stream().anyMatch(d -> d.deviceUuid().equals(uuid)));
    List<Dial> ofDevice =
        devices.dials().stream().filter(d -> d.deviceUuid().equals(uuid)).toList();
    return ofDevice.get(ofDevice.size() - 1);
  }

  private String audited(String action) {
    return String.join(
        "\n",
        fixture
            .jdbc()
            .sql("SELECT details FROM audit_log WHERE action = ? ORDER BY id")
            .param(action)
            .query(String.class)
            .list());
  }
}
