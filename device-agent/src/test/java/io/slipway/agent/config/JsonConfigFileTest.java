package io.slipway.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.signing.key.PemKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class JsonConfigFileTest {

  static final String PROVISIONING_KEY = "slp_" + "p".repeat(40);
  static final String DEVICE_KEY = "sld_" + "d".repeat(43);
  static final String UUID = "0123456789abcdef0123456789abcdef";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A real Ed25519 public key, so that the signing library parses it. */
  private static final String TRUSTED_KEY = generatedPublicKey();

  @TempDir Path directory;

  /** Returns a config.json as the server writes it, with OS fields the agent does not read. */
  static ObjectNode serverConfig() {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 1);
    root.put("fleetId", 7);
    root.put("fleet", "acme/sensors");
    root.put("deviceType", "raspberrypi4-64");
    root.put("provisioningKey", PROVISIONING_KEY);
    root.put("apiEndpoint", "https://slipway.example.com");
    root.put("registryEndpoint", "https://slipway.example.com");
    root.put("deltaEndpoint", "https://slipway.example.com");
    root.put("persistentLogging", true);
    root.putObject("os").putObject("network").put("hostname", "sensor");
    root.putArray("trustedKeys").add(TRUSTED_KEY);
    return root;
  }

  @Test
  void readReturnsFieldsAgentUses() throws IOException {
    AgentConfig config = read(serverConfig());

    assertThat(config.fleetId()).isEqualTo(7);
    assertThat(config.fleet()).isEqualTo("acme/sensors");
    assertThat(config.deviceType()).isEqualTo("raspberrypi4-64");
    assertThat(config.provisioningKey()).isEqualTo(PROVISIONING_KEY);
    assertThat(config.registered()).isFalse();
    assertThat(config.apiEndpoint()).isEqualTo(URI.create("https://slipway.example.com"));
    assertThat(config.controlEndpoint()).isNull();
    assertThat(config.trustedKeys()).hasSize(1);
  }

  @Test
  void readRejectsInvalidTrustedKeyBody() throws IOException {
    ObjectNode root = serverConfig();
    root.putArray("trustedKeys")
        .add("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

    assertThatThrownBy(() -> read(root))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("trustedKeys[0] is not a valid public key")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.INVALID_CONFIG);
  }

  @Test
  void readOfDirectoryNamesTheFileToPass() {
    JsonConfigFile file = new JsonConfigFile(directory);

    assertThatThrownBy(file::read)
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("is a directory")
        .hasMessageContaining(directory.resolve("config.json").toString());
  }

  @Test
  void readDefaultsPollIntervalToTenMinutes() throws IOException {
    assertThat(read(serverConfig()).pollInterval()).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void readTakesPollIntervalFromFile() throws IOException {
    ObjectNode root = serverConfig();
    root.put("pollIntervalSeconds", 30);

    assertThat(read(root).pollInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void readAcceptsRegisteredDevice() throws IOException {
    ObjectNode root = serverConfig();
    root.remove("provisioningKey");
    root.put("uuid", UUID);
    root.put("deviceApiKey", DEVICE_KEY);

    AgentConfig config = read(root);

    assertThat(config.registered()).isTrue();
    assertThat(config.uuid()).isEqualTo(UUID);
    assertThat(config.deviceApiKey()).isEqualTo(DEVICE_KEY);
  }

  @Test
  void readRejectsInvalidFields() throws IOException {
    List<ObjectNode> cases = new ArrayList<>();
    cases.add(without("fleetId"));
    cases.add(with("fleetId", "7"));
    cases.add(with("fleet", "Acme/Sensors"));
    cases.add(with("deviceType", "Raspberry Pi"));
    cases.add(with("apiEndpoint", "ftp://slipway.example.com"));
    cases.add(with("registryEndpoint", "https://user@slipway.example.com"));
    cases.add(without("deltaEndpoint"));
    cases.add(with("controlEndpoint", "https://slipway.example.com/?a=b"));
    cases.add(with("pollIntervalSeconds", 5));
    cases.add(with("schemaVersion", 2));
    cases.add(without("schemaVersion"));
    cases.add(with("provisioningKey", "slp_short"));
    cases.add(without("provisioningKey"));
    cases.add(with("uuid", UUID));
    ObjectNode badKey = serverConfig();
    badKey.putArray("trustedKeys").add("not a key");
    cases.add(badKey);

    for (ObjectNode root : cases) {
      assertThatThrownBy(() -> read(root))
          .as("config %s", root)
          .isInstanceOf(AgentException.class)
          .extracting(e -> ((AgentException) e).failure())
          .isEqualTo(AgentFailure.INVALID_CONFIG);
    }
  }

  @Test
  void readNamesFieldAtFault() {
    ObjectNode root = with("pollIntervalSeconds", 5);

    assertThatThrownBy(() -> read(root))
        .hasMessageContaining("pollIntervalSeconds 5")
        .hasMessageContaining("10 to 86400");
  }

  @Test
  void readHidesInvalidKey() {
    String key = "slp_" + "!".repeat(30);
    ObjectNode root = with("provisioningKey", key);

    assertThatThrownBy(() -> read(root))
        .hasMessageContaining("provisioningKey")
        .hasMessageNotContaining(key);
  }

  @Test
  void readReportsMissingFile() {
    JsonConfigFile file = new JsonConfigFile(directory.resolve("absent.json"));

    assertThatThrownBy(file::read)
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("absent.json is missing");
  }

  @Test
  void readReportsBrokenJsonWithoutQuotingIt() throws IOException {
    Path path = directory.resolve("config.json");
    Files.writeString(path, "{\"provisioningKey\": " + PROVISIONING_KEY + "}");

    assertThatThrownBy(() -> new JsonConfigFile(path).read())
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("not valid JSON at line 1")
        .hasMessageNotContaining(PROVISIONING_KEY);
  }

  @Test
  void writeRegisteredReplacesProvisioningKey() throws IOException {
    JsonConfigFile file = write(serverConfig());

    AgentConfig stored = file.writeRegistered(UUID, DEVICE_KEY);

    assertThat(stored.registered()).isTrue();
    assertThat(stored.provisioningKey()).isNull();
    assertThat(Files.readString(file.path())).doesNotContain(PROVISIONING_KEY);
    assertThat(file.read().uuid()).isEqualTo(UUID);
    assertThat(file.read().deviceApiKey()).isEqualTo(DEVICE_KEY);
  }

  @Test
  void writeRegisteredKeepsOtherFieldsInOrder() throws IOException {
    JsonConfigFile file = write(serverConfig());

    file.writeRegistered(UUID, DEVICE_KEY);

    JsonNode written = JSON.readTree(Files.readAllBytes(file.path()));
    assertThat(written.propertyNames())
        .containsExactly(
            "schemaVersion",
            "fleetId",
            "fleet",
            "deviceType",
            "uuid",
            "deviceApiKey",
            "apiEndpoint",
            "registryEndpoint",
            "deltaEndpoint",
            "persistentLogging",
            "os",
            "trustedKeys");
    assertThat(written.at("/os/network/hostname").asString()).isEqualTo("sensor");
    assertThat(written.get("persistentLogging").asBoolean()).isTrue();
  }

  @Test
  void writeRegisteredRejectsInvalidUuid() throws IOException {
    JsonConfigFile file = write(serverConfig());

    assertThatThrownBy(() -> file.writeRegistered("ABC", DEVICE_KEY))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("uuid 'ABC'");
    assertThat(file.read().provisioningKey()).isEqualTo(PROVISIONING_KEY);
  }

  @Test
  void toStringHidesKeys() throws IOException {
    String text = read(serverConfig()).toString();

    assertThat(text).doesNotContain(PROVISIONING_KEY);
  }

  private AgentConfig read(ObjectNode root) throws IOException {
    return write(root).read();
  }

  private JsonConfigFile write(ObjectNode root) throws IOException {
    Path path = directory.resolve("config.json");
    Files.write(path, JSON.writeValueAsBytes(root));
    return new JsonConfigFile(path);
  }

  private static ObjectNode without(String field) {
    ObjectNode root = serverConfig();
    root.remove(field);
    return root;
  }

  private static ObjectNode with(String field, Object value) {
    ObjectNode root = serverConfig();
    root.set(field, JSON.valueToTree(value));
    return root;
  }

  private static String generatedPublicKey() {
    try {
      return PemKeys.publicKeyPem(
          KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JDK cannot generate Ed25519 keys", e);
    }
  }
}
