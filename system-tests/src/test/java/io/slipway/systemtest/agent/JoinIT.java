package io.slipway.systemtest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.ControlChannelSettings;
import io.slipway.agent.client.DeltaOffer;
import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.client.Downloader;
import io.slipway.agent.client.FleetInfo;
import io.slipway.agent.client.HttpDeviceApi;
import io.slipway.agent.client.LogLine;
import io.slipway.agent.client.PollSchedule;
import io.slipway.agent.client.Registered;
import io.slipway.agent.client.ServiceState;
import io.slipway.agent.client.StateReport;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.config.ConfigFile;
import io.slipway.agent.config.JsonConfigFile;
import io.slipway.agent.provision.Provisioning;
import io.slipway.agent.provision.Registration;
import io.slipway.delta.image.Digest;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A device joins its fleet against the real server, started as a process: from the config.json of a
 * configured OS image to a device key that reads its own target state. A crash between any two
 * steps of the registration, followed by a restart, ends with exactly one device. The provisioning
 * key registers only one device, so a registration under a second UUID would fail. Used-up and
 * revoked keys are rejected with the server's reason.
 */
class JoinIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OS_VERSION = "slipway-os 1.0.0";

  private static SlipwayStack stack;
  private static DeviceFleet fleet;

  @BeforeAll
  static void startServer() throws Exception {
    stack =
        SlipwayStack.start("JoinIT", new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM));
    fleet = DeviceFleet.create(stack, "join", "sensors");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void deviceJoinsFromConfiguredImage() throws Exception {
    Device device = newDevice("first-boot", "{\"maxDevices\":1}");
    String provisioningKey = device.config().read().provisioningKey();

    AgentConfig joined = device.provisioning(Function.identity()).ensureRegistered();

    assertThat(joined.registered()).isTrue();
    assertThat(Files.readString(device.configPath())).doesNotContain(provisioningKey);
    assertThat(Files.readString(device.configPath())).doesNotContain("provisioningKey");
    assertThat(device.dataDirectory().resolve("registration.json")).doesNotExist();
    assertThat(uuidsInFleet()).contains(joined.uuid());

    HttpDeviceApi api = HttpDeviceApi.create(joined);
    FleetInfo info = api.fleet();
    assertThat(info.org()).isEqualTo("join");
    assertThat(info.slug()).isEqualTo("sensors");
    assertThat(info.platform()).isEqualTo("linux/amd64");
    assertThat(api.targetState(null)).isPresent();
  }

  @Test
  void joinedDeviceReportsAndReads() throws Exception {
    Device device = newDevice("talks", "{\"maxDevices\":1}");
    AgentConfig joined = device.provisioning(Function.identity()).ensureRegistered();
    HttpDeviceApi api = HttpDeviceApi.create(joined);
    ServiceState downloading =
        new ServiceState("downloading", null, 250L, 1000L, "delta", "delta applied to layer 2");

    api.updateSelf("slipway-os 1.0.1");
    api.reportState(new StateReport(null, Map.of("web", downloading), "slipway-os 1.0.1"));
    api.sendLogs(List.of(new LogLine(Instant.now(), "web", "hello from the agent", false)));

    JsonNode reported = fleet.reportedState(joined.uuid()).path("reported");
    assertThat(reported.path("osVersion").asText()).isEqualTo("slipway-os 1.0.1");
    JsonNode web = reported.path("services").path("web");
    assertThat(web.path("status").asText()).isEqualTo("downloading");
    assertThat(web.path("downloadedBytes").asLong()).isEqualTo(250);
    assertThat(web.path("downloadSize").asLong()).isEqualTo(1000);
    assertThat(web.path("downloadProgress").asInt()).isEqualTo(25);
    assertThat(web.path("updateMethod").asText()).isEqualTo("delta");
    assertThat(web.path("message").asText()).isEqualTo("delta applied to layer 2");
    Reply logs = fleet.admin().send("GET", "/api/v1/devices/" + joined.uuid() + "/logs", null);
    assertThat(logs.text()).contains("hello from the agent");

    TargetState state = api.targetState(null).orElseThrow();
    assertThat(api.targetState(state.etag())).isEmpty();
    assertThat(api.signedKeyList()).isNotEmpty();
    assertThat(api.signedTargetState()).isNotEmpty();
  }

  @Test
  void restartIsNoNewRegistration() throws Exception {
    Device device = newDevice("restart", "{\"maxDevices\":1}");
    AgentConfig first = device.provisioning(Function.identity()).ensureRegistered();
    List<String> before = uuidsInFleet();

    AgentConfig second = device.provisioning(Function.identity()).ensureRegistered();

    assertThat(second.uuid()).isEqualTo(first.uuid());
    assertThat(second.deviceApiKey()).isEqualTo(first.deviceApiKey());
    assertThat(uuidsInFleet()).isEqualTo(before);
  }

  @Test
  void crashBeforeRequestEndsRegisteredOnce() throws Exception {
    assertCrashThenRestartRegistersOnce("crash-before-request", CrashPoint.BEFORE_REQUEST);
  }

  @Test
  void crashAfterServerConfirmedEndsRegisteredOnce() throws Exception {
    assertCrashThenRestartRegistersOnce("crash-after-confirmed", CrashPoint.AFTER_CONFIRMED);
  }

  @Test
  void crashAfterConfigRewriteEndsRegisteredOnce() throws Exception {
    assertCrashThenRestartRegistersOnce("crash-after-rewrite", CrashPoint.AFTER_CONFIG_WRITTEN);
  }

  @Test
  void usedUpKeyIsRejected() throws Exception {
    byte[] config = fleet.osConfig("{\"maxDevices\":1}");
    Device first = newDevice("used-up-first", config);
    Device second = newDevice("used-up-second", config);
    first.provisioning(Function.identity()).ensureRegistered();

    assertThatThrownBy(() -> second.provisioning(Function.identity()).ensureRegistered())
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("PROVISIONING_KEY_USED_UP")
        .hasMessageContaining("has registered its maximum of 1 devices")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.REGISTRATION_REFUSED);
    assertThat(second.config().read().provisioningKey()).isNotNull();
  }

  @Test
  void revokedKeyIsRejected() throws Exception {
    Reply created =
        fleet
            .admin()
            .send(
                "POST",
                "/api/v1/orgs/join/fleets/sensors/provisioning-keys",
                "{\"name\":\"revoked-in-test\",\"maxUses\":5}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    ObjectNode config = (ObjectNode) JSON.readTree(fleet.osConfig());
    config.put("provisioningKey", created.json().path("secret").asText());
    Device device = newDevice("revoked", JSON.writeValueAsBytes(config));
    long keyId = created.json().path("key").path("id").asLong();
    Reply revoked =
        fleet
            .admin()
            .send("DELETE", "/api/v1/orgs/join/fleets/sensors/provisioning-keys/" + keyId, null);
    assertThat(revoked.status()).as(revoked.text()).isEqualTo(204);

    assertThatThrownBy(() -> device.provisioning(Function.identity()).ensureRegistered())
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("PROVISIONING_KEY_REVOKED")
        .hasMessageContaining("was revoked")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.REGISTRATION_REFUSED);
  }

  /**
   * Stops the registration at {@code point} as a crash would, then runs it again on the same files
   * and checks that the fleet gained exactly one device, on a key that registers only one.
   */
  private void assertCrashThenRestartRegistersOnce(String name, CrashPoint point) throws Exception {
    Device device = newDevice(name, "{\"maxDevices\":1}");
    List<String> before = uuidsInFleet();

    assertThatThrownBy(() -> device.crashingProvisioning(point).ensureRegistered())
        .isInstanceOf(Crash.class);
    AgentConfig joined = device.provisioning(Function.identity()).ensureRegistered();

    List<String> after = uuidsInFleet();
    assertThat(after).hasSize(before.size() + 1);
    assertThat(after).contains(joined.uuid());
    assertThat(device.config().read().registered()).isTrue();
    assertThat(device.dataDirectory().resolve("registration.json")).doesNotExist();
    assertThat(HttpDeviceApi.create(joined).fleet().slug()).isEqualTo("sensors");
  }

  private static List<String> uuidsInFleet() {
    return fleet.devices().stream().map(device -> device.path("uuid").asText()).toList();
  }

  private static Device newDevice(String name, String osConfigBody) throws IOException {
    return newDevice(name, fleet.osConfig(osConfigBody));
  }

  private static Device newDevice(String name, byte[] config) throws IOException {
    Path directory = stack.directory("devices", name);
    Path configPath = directory.resolve("config.json");
    Files.write(configPath, config);
    Path data = Files.createDirectories(directory.resolve("data"));
    return new Device(configPath, data);
  }

  /** Where a simulated crash stops the registration. */
  private enum CrashPoint {
    BEFORE_REQUEST,
    AFTER_CONFIRMED,
    AFTER_CONFIG_WRITTEN
  }

  /** One simulated device: its config.json and data directory. */
  private record Device(Path configPath, Path dataDirectory) {

    ConfigFile config() {
      return new JsonConfigFile(configPath);
    }

    Provisioning provisioning(Function<DeviceApi, DeviceApi> wrap) {
      return provisioning(config(), wrap);
    }

    Provisioning provisioning(ConfigFile configFile, Function<DeviceApi, DeviceApi> wrap) {
      PollSchedule backoff =
          new PollSchedule(
              Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofSeconds(1), new Random());
      return new Registration(
          configFile,
          dataDirectory,
          config -> wrap.apply(HttpDeviceApi.create(config)),
          OS_VERSION,
          backoff);
    }

    /** Returns a provisioning that throws {@link Crash} at {@code point}. */
    Provisioning crashingProvisioning(CrashPoint point) {
      return switch (point) {
        case BEFORE_REQUEST -> provisioning(api -> new CrashingApi(api, false));
        case AFTER_CONFIRMED -> provisioning(api -> new CrashingApi(api, true));
        case AFTER_CONFIG_WRITTEN -> provisioning(new CrashingConfigFile(config()), api -> api);
      };
    }
  }

  /** Stands in for the process dying at a point of the registration. */
  private static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash(String point) {
      super("simulated crash " + point);
    }
  }

  /** Writes config.json as the real file does, then dies before anything else happens. */
  private record CrashingConfigFile(ConfigFile delegate) implements ConfigFile {

    @Override
    public Path path() {
      return delegate.path();
    }

    @Override
    public AgentConfig read() {
      return delegate.read();
    }

    @Override
    public AgentConfig writeRegistered(String uuid, String deviceApiKey) {
      delegate.writeRegistered(uuid, deviceApiKey);
      throw new Crash("after config.json was rewritten");
    }

    @Override
    public void deleteLeftovers() {
      delegate.deleteLeftovers();
    }
  }

  /**
   * The real API client, except that registering dies before the request is sent or after the
   * server's confirmation arrived, which is then lost with the process.
   */
  private record CrashingApi(DeviceApi delegate, boolean afterConfirmation) implements DeviceApi {

    @Override
    public Registered register(
        String provisioningKey, io.slipway.agent.client.Registration registration) {
      if (!afterConfirmation) {
        throw new Crash("before the registration request");
      }
      delegate.register(provisioningKey, registration);
      throw new Crash("after the server confirmed the registration");
    }

    @Override
    public Optional<TargetState> targetState(String etag) {
      return delegate.targetState(etag);
    }

    @Override
    public FleetInfo fleet() {
      return delegate.fleet();
    }

    @Override
    public byte[] signedTargetState() {
      return delegate.signedTargetState();
    }

    @Override
    public byte[] signedKeyList() {
      return delegate.signedKeyList();
    }

    @Override
    public Optional<byte[]> releaseSignature(long releaseId) {
      return delegate.releaseSignature(releaseId);
    }

    @Override
    public void reportState(StateReport report) {
      delegate.reportState(report);
    }

    @Override
    public void updateSelf(String osVersion) {
      delegate.updateSelf(osVersion);
    }

    @Override
    public void sendLogs(List<LogLine> lines) {
      delegate.sendLogs(lines);
    }

    @Override
    public DeltaOffer delta(Digest from, Digest to) {
      return delegate.delta(from, to);
    }

    @Override
    public ControlChannelSettings controlChannel() {
      return delegate.controlChannel();
    }

    @Override
    public Downloader payloads() {
      return delegate.payloads();
    }
  }
}
