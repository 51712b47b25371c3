package io.slipway.agent.config;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.signing.SigningException;
import io.slipway.signing.key.PemKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the fields the agent uses from a parsed config.json and checks each one strictly, with the
 * rules of the OS image tools that write the file. Fields the agent does not use are not looked at,
 * so an OS setting the agent does not know never stops it. Messages name the file and the field,
 * and never contain a key. Stateless and thread-safe.
 */
final class ConfigJson {

  /** The config.json layout version this agent reads. */
  static final int SCHEMA_VERSION = 1;

  static final int MIN_POLL_INTERVAL_SECONDS = 10;
  static final int MAX_POLL_INTERVAL_SECONDS = 86_400;
  static final int DEFAULT_POLL_INTERVAL_SECONDS = 600;

  static final Pattern FLEET = Pattern.compile("[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*");
  private static final Pattern DEVICE_TYPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{32,62}");
  private static final Pattern KEY_TAIL = Pattern.compile("[A-Za-z0-9_-]{16,200}");
  private static final List<String> HTTP_SCHEMES = List.of("https", "http");
  private static final List<String> CONTROL_SCHEMES = List.of("mqtts", "wss", "https", "http");

  private final Path path;
  private final JsonNode root;

  private ConfigJson(Path path, JsonNode root) {
    this.path = path;
    this.root = root;
  }

  /**
   * Returns the configuration in {@code root}, the parsed content of the file at {@code path}.
   *
   * @throws AgentException {@code INVALID_CONFIG} naming the field at fault
   */
  static AgentConfig read(Path path, JsonNode root) {
    if (!(root instanceof ObjectNode)) {
      throw invalid(path, "it is not a JSON object: write the config.json the server generated");
    }
    return new ConfigJson(path, root).toConfig();
  }

  /** Checks a UUID before it is written into the file. */
  static void checkUuid(Path path, String uuid) {
    if (uuid == null || !UUID.matcher(uuid).matches()) {
      throw invalid(path, "uuid '" + uuid + "' is invalid: use 32 to 62 lower-case hex digits");
    }
  }

  /** Checks a device API key's form before it is written into the file, without naming it. */
  static void checkDeviceApiKey(Path path, String key) {
    checkKey(path, "deviceApiKey", key, "sld_");
  }

  private AgentConfig toConfig() {
    checkSchemaVersion();
    String provisioningKey = optionalText("provisioningKey");
    String uuid = optionalText("uuid");
    String deviceApiKey = optionalText("deviceApiKey");
    checkEnrolment(provisioningKey, uuid, deviceApiKey);

    return new AgentConfig(
        fleetId(),
        requiredText("fleet", FLEET, "ORG/FLEET in lower-case letters, digits and '-'"),
        requiredText("deviceType", DEVICE_TYPE, "a device type slug such as raspberrypi4-64"),
        provisioningKey,
        uuid,
        deviceApiKey,
        endpoint("apiEndpoint", true, HTTP_SCHEMES),
        endpoint("registryEndpoint", true, HTTP_SCHEMES),
        endpoint("deltaEndpoint", true, HTTP_SCHEMES),
        endpoint("controlEndpoint", false, CONTROL_SCHEMES),
        pollInterval(),
        trustedKeys());
  }

  private void checkSchemaVersion() {
    JsonNode node = root.get("schemaVersion");
    if (node == null || !node.isIntegralNumber()) {
      throw invalid(path, "it has no whole-number schemaVersion: write the server's config.json");
    }
    if (node.longValue() != SCHEMA_VERSION) {
      throw invalid(
          path,
          "it has schemaVersion "
              + node.longValue()
              + ", which this agent does not read: it reads version "
              + SCHEMA_VERSION
              + "; update the agent or write a version "
              + SCHEMA_VERSION
              + " file");
    }
  }

  private long fleetId() {
    JsonNode node = root.get("fleetId");
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw invalid(path, "it has no whole-number fleetId: give the fleet's numeric id");
    }
    if (node.longValue() < 1) {
      throw invalid(path, "fleetId " + node.longValue() + " is invalid: use 1 or more");
    }
    return node.longValue();
  }

  private void checkEnrolment(String provisioningKey, String uuid, String deviceApiKey) {
    boolean registered = uuid != null || deviceApiKey != null;
    if (provisioningKey != null && registered) {
      throw invalid(
          path,
          "it has a provisioningKey and a uuid or deviceApiKey: keep either the provisioning key or"
              + " the uuid and deviceApiKey of a registered device");
    }
    if (provisioningKey == null && !registered) {
      throw invalid(
          path, "it has neither a provisioningKey nor a uuid and deviceApiKey: give one of them");
    }
    if (provisioningKey != null) {
      checkKey(path, "provisioningKey", provisioningKey, "slp_");
      return;
    }
    checkUuid(path, uuid);
    if (deviceApiKey == null) {
      throw invalid(path, "it has uuid " + uuid + " but no deviceApiKey: give the device's key");
    }
    checkDeviceApiKey(path, deviceApiKey);
  }

  private String requiredText(String field, Pattern form, String expected) {
    String value = optionalText(field);
    if (value == null) {
      throw invalid(path, "it has no " + field + ": give " + expected);
    }
    if (!form.matcher(value).matches()) {
      throw invalid(path, field + " '" + value + "' is invalid: use " + expected);
    }
    return value;
  }

  private String optionalText(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw invalid(path, field + " is not a string");
    }
    return node.asString();
  }

  private URI endpoint(String field, boolean required, List<String> schemes) {
    String text = optionalText(field);
    if (text == null) {
      if (required) {
        throw invalid(path, "it has no " + field + ": give the server's URL");
      }
      return null;
    }
    URI uri = parseUri(field, text);
    boolean valid =
        uri.isAbsolute()
            && uri.getHost() != null
            && uri.getUserInfo() == null
            && uri.getQuery() == null
            && uri.getFragment() == null
            && schemes.contains(uri.getScheme());
    if (!valid) {
      throw invalid(
          path,
          field
              + " '"
              + text
              + "' is invalid: use an absolute "
              + String.join(" or ", schemes)
              + " URL with a host and no user, query or fragment");
    }
    return uri;
  }

  private URI parseUri(String field, String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(path, field + " '" + text + "' is not a URL: " + e.getReason());
    }
  }

  private Duration pollInterval() {
    JsonNode node = root.get("pollIntervalSeconds");
    if (node == null || node.isNull()) {
      return Duration.ofSeconds(DEFAULT_POLL_INTERVAL_SECONDS);
    }
    boolean valid =
        node.isIntegralNumber()
            && node.canConvertToLong()
            && node.longValue() >= MIN_POLL_INTERVAL_SECONDS
            && node.longValue() <= MAX_POLL_INTERVAL_SECONDS;
    if (!valid) {
      throw invalid(
          path,
          "pollIntervalSeconds "
              + node
              + " is invalid: use whole seconds from "
              + MIN_POLL_INTERVAL_SECONDS
              + " to "
              + MAX_POLL_INTERVAL_SECONDS);
    }
    return Duration.ofSeconds(node.longValue());
  }

  private List<String> trustedKeys() {
    JsonNode node = root.get("trustedKeys");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid(path, "trustedKeys is not an array of PEM public keys");
    }
    List<String> keys = new ArrayList<>();
    for (int index = 0; index < node.size(); index++) {
      keys.add(trustedKey(index, node.get(index)));
    }
    return List.copyOf(keys);
  }

  private String trustedKey(int index, JsonNode node) {
    String pem = node.isString() ? node.asString().strip() : "";
    boolean valid =
        pem.startsWith("-----BEGIN PUBLIC KEY-----") && pem.endsWith("-----END PUBLIC KEY-----");
    if (!valid) {
      throw invalid(
          path,
          "trustedKeys["
              + index
              + "] is not a PEM public key: give keys that start with -----BEGIN PUBLIC KEY-----");
    }
    checkParses(index, pem);
    return pem;
  }

  /**
   * Parses a trusted key with the signing library, so that a key with a valid frame but a bad body
   * stops the agent before it registers and uses up the provisioning key.
   */
  private void checkParses(int index, String pem) {
    try {
      PemKeys.parsePublicKey(pem);
    } catch (SigningException | IllegalArgumentException e) {
      throw invalid(
          path,
          "trustedKeys["
              + index
              + "] is not a valid public key ("
              + e.getMessage()
              + "): write the server's ECDSA P-256 or Ed25519 public keys there, or leave the"
              + " list empty");
    }
  }

  private static void checkKey(Path path, String field, String key, String prefix) {
    boolean valid =
        key != null
            && key.startsWith(prefix)
            && KEY_TAIL.matcher(key.substring(prefix.length())).matches();
    if (!valid) {
      // A key is a secret: the message names the field and the expected form, not the value.
      throw invalid(
          path,
          field + " is invalid: it must be '" + prefix + "' followed by the key's characters");
    }
  }

  static AgentException invalid(Path path, String problem) {
    return new AgentException(AgentFailure.INVALID_CONFIG, "Config file " + path + ": " + problem);
  }
}
