package io.slipway.agent.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.PollSchedule;
import io.slipway.agent.client.Registered;
import io.slipway.agent.client.ThrowingDeviceApi;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.config.JsonConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registration across crashes between its steps, with real files and an in-memory stand-in for the
 * server's registration rules. In those rules a repeat with the same UUID and key is the same
 * device, and another key for a known UUID is refused. {@code JoinIT} in system-tests runs the same
 * steps against the real server.
 */
class RegistrationTest {

  private static final String PROVISIONING_KEY = "slp_" + "p".repeat(40);

  @TempDir Path directory;

  private Path configPath;
  private final FakeServer server = new FakeServer();

  @BeforeEach
  void writeConfig() throws IOException {
    configPath = directory.resolve("config.json");
    writeConfig(7);
  }

  @Test
  void registersAndRewritesConfig() throws Exception {
    AgentConfig config = registration(step -> {}).ensureRegistered();

    assertThat(config.registered()).isTrue();
    assertThat(server.devices).containsOnlyKeys(config.uuid());
    assertThat(server.devices.get(config.uuid())).isEqualTo(config.deviceApiKey());
    assertThat(Files.readString(configPath)).doesNotContain(PROVISIONING_KEY);
    assertThat(directory.resolve("registration.json")).doesNotExist();
  }

  @Test
  void rewrittenConfigIsOwnerOnly() throws Exception {
    Files.setPosixFilePermissions(configPath, PosixFilePermissions.fromString("rw-r--r--"));

    registration(step -> {}).ensureRegistered();

    assertThat(permissions(configPath)).isEqualTo("rw-------");
  }

  @Test
  void startDeletesLeftoverConfigCopies() throws Exception {
    Path leftover = directory.resolve(".config.json.4711.tmp");
    Path unrelated = directory.resolve(".other.json.4711.tmp");
    Files.writeString(leftover, "{\"deviceApiKey\":\"sld_secret\"}");
    Files.writeString(unrelated, "{}");

    registration(step -> {}).ensureRegistered();

    assertThat(leftover).doesNotExist();
    assertThat(unrelated).exists();
  }

  @Test
  void invalidTrustedKeyStopsBeforeRegistering() throws IOException {
    String config = Files.readString(configPath);
    Files.writeString(
        configPath,
        config.replace(
            "{\"schemaVersion\"",
            "{\"trustedKeys\":[\"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\"],"
                + "\"schemaVersion\""));

    assertThatThrownBy(() -> registration(step -> {}).ensureRegistered())
        .isInstanceOf(AgentException.class)
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.INVALID_CONFIG);
    assertThat(server.devices).isEmpty();
    assertThat(Files.readString(configPath)).contains(PROVISIONING_KEY);
  }

  @Test
  void generatedIdentityHasServerForm() throws Exception {
    AgentConfig config = registration(step -> {}).ensureRegistered();

    assertThat(config.uuid()).matches("[0-9a-f]{32}");
    assertThat(config.deviceApiKey()).matches("sld_[A-Za-z0-9_-]{43}");
    assertThat(server.requests.get(0).deviceType()).isEqualTo("raspberrypi4-64");
    assertThat(server.requests.get(0).osVersion()).isEqualTo("6.1.24");
  }

  @Test
  void pendingIdentityIsPrivateBeforeFirstRequest() throws Exception {
    List<String> seen = new ArrayList<>();
    Consumer<Registration.Step> inspect =
        step -> {
          if (step == Registration.Step.PENDING_SAVED) {
            seen.add(permissions(directory.resolve("registration.json")));
            seen.add(String.valueOf(server.requests.size()));
          }
        };

    registration(inspect).ensureRegistered();

    assertThat(seen).containsExactly("rw-------", "0");
  }

  @Test
  void crashAtEveryStepEndsRegisteredOnce() throws Exception {
    for (Registration.Step crashAt : Registration.Step.values()) {
      FakeServer fresh = new FakeServer();
      Path dir = Files.createTempDirectory(directory, crashAt.name());
      Path config = dir.resolve("config.json");
      Files.copy(configPath, config);

      assertThatThrownBy(() -> registration(fresh, config, dir, crash(crashAt)).ensureRegistered())
          .isInstanceOf(Crash.class);
      AgentConfig after = registration(fresh, config, dir, step -> {}).ensureRegistered();

      assertThat(fresh.devices).as("devices after a crash at %s", crashAt).hasSize(1);
      assertThat(fresh.devices).containsEntry(after.uuid(), after.deviceApiKey());
      assertThat(dir.resolve("registration.json")).doesNotExist();
    }
  }

  @Test
  void restartAfterRegisteredRepeatsSameIdentity() throws Exception {
    assertThatThrownBy(() -> registration(crash(Registration.Step.REGISTERED)).ensureRegistered())
        .isInstanceOf(Crash.class);

    registration(step -> {}).ensureRegistered();

    assertThat(server.requests).hasSize(2);
    assertThat(server.requests.get(1).uuid()).isEqualTo(server.requests.get(0).uuid());
    assertThat(server.requests.get(1).deviceKey()).isEqualTo(server.requests.get(0).deviceKey());
  }

  @Test
  void registeredConfigNeedsNoServer() throws Exception {
    AgentConfig first = registration(step -> {}).ensureRegistered();
    server.requests.clear();

    AgentConfig again = registration(step -> {}).ensureRegistered();

    assertThat(again.uuid()).isEqualTo(first.uuid());
    assertThat(server.requests).isEmpty();
  }

  @Test
  void unreachableServerIsRetried() throws Exception {
    server.unavailableFor = 3;

    AgentConfig config = registration(step -> {}).ensureRegistered();

    assertThat(config.registered()).isTrue();
    assertThat(server.requests).hasSize(4);
    assertThat(server.requests).extracting(r -> r.uuid()).containsOnly(config.uuid());
  }

  @Test
  void refusalStopsAndKeepsProvisioningKey() {
    server.refusal = "Provisioning key 3 has registered its maximum of 1 devices";

    assertThatThrownBy(() -> registration(step -> {}).ensureRegistered())
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("maximum of 1 devices")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.REGISTRATION_REFUSED);
    assertThat(new JsonConfigFile(configPath).read().provisioningKey()).isEqualTo(PROVISIONING_KEY);
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void configForAnotherFleetGetsNewIdentity() throws Exception {
    assertThatThrownBy(
            () -> registration(crash(Registration.Step.PENDING_SAVED)).ensureRegistered())
        .isInstanceOf(Crash.class);
    String firstUuid =
        PendingRegistration.load(directory.resolve("registration.json")).orElseThrow().uuid();
    writeConfig(8);

    AgentConfig config = registration(step -> {}).ensureRegistered();

    assertThat(config.uuid()).isNotEqualTo(firstUuid);
  }

  @Test
  void damagedPendingFileStopsWithAdvice() throws IOException {
    Files.writeString(directory.resolve("registration.json"), "{\"uuid\":\"x\"}");

    assertThatThrownBy(() -> registration(step -> {}).ensureRegistered())
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("delete the file")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.STORE_FAILED);
  }

  @Test
  void pendingRegistrationHidesKey() {
    PendingRegistration pending = PendingRegistration.generate(7);

    assertThat(pending.toString()).contains(pending.uuid()).doesNotContain(pending.deviceKey());
  }

  private Registration registration(Consumer<Registration.Step> afterStep) {
    return registration(server, configPath, directory, afterStep);
  }

  private static Registration registration(
      FakeServer server, Path config, Path dataDirectory, Consumer<Registration.Step> afterStep) {
    PollSchedule backoff =
        new PollSchedule(
            Duration.ofSeconds(1), Duration.ofMillis(5), Duration.ofMillis(20), new Random(1));
    return new Registration(
        new JsonConfigFile(config), dataDirectory, c -> server, "6.1.24", backoff, afterStep);
  }

  private static Consumer<Registration.Step> crash(Registration.Step at) {
    return step -> {
      if (step == at) {
        throw new Crash();
      }
    };
  }

  private void writeConfig(long fleetId) throws IOException {
    Files.writeString(
        configPath,
        "{\"schemaVersion\":1,\"fleetId\":"
            + fleetId
            + ",\"fleet\":\"acme/sensors\",\"deviceType\":\"raspberrypi4-64\","
            + "\"provisioningKey\":\""
            + PROVISIONING_KEY
            + "\",\"apiEndpoint\":\"http://127.0.0.1:1\",\"registryEndpoint\":"
            + "\"http://127.0.0.1:1\",\"deltaEndpoint\":\"http://127.0.0.1:1\"}");
  }

  private static String permissions(Path file) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stands in for a process dying between two steps. */
  private static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** The server's registration rules in memory; every other call throws. */
  private static final class FakeServer extends ThrowingDeviceApi {

    final Map<String, String> devices = new HashMap<>();
    final List<io.slipway.agent.client.Registration> requests = new ArrayList<>();
    int unavailableFor;
    String refusal;

    @Override
    public Registered register(
        String provisioningKey, io.slipway.agent.client.Registration registration) {
      requests.add(registration);
      if (unavailableFor > 0) {
        unavailableFor--;
        throw new AgentException(AgentFailure.SERVER_UNAVAILABLE, "connection refused");
      }
      if (refusal != null) {
        throw new AgentException(AgentFailure.REGISTRATION_REFUSED, refusal);
      }
      String known = devices.get(registration.uuid());
      if (known != null && !known.equals(registration.deviceKey())) {
        throw new AgentException(AgentFailure.REGISTRATION_REFUSED, "uuid taken");
      }
      devices.put(registration.uuid(), registration.deviceKey());
      return new Registered(
          registration.uuid(), registration.deviceKey(), "acme/sensors", known == null);
    }
  }
}
