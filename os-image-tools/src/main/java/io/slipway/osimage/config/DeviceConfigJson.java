package io.slipway.osimage.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire form of {@link DeviceConfig}: reads strictly (unknown fields and wrong types are errors
 * that name the field) and writes fields in one fixed order so equal configurations give equal
 * bytes. Stateless, thread-safe.
 */
final class DeviceConfigJson {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private static final Set<String> TOP_LEVEL =
      Set.of(
          "schemaVersion",
          "fleetId",
          "fleet",
          "deviceType",
          "provisioningKey",
          "uuid",
          "deviceApiKey",
          "apiEndpoint",
          "registryEndpoint",
          "deltaEndpoint",
          "controlEndpoint",
          "pollIntervalSeconds",
          "persistentLogging",
          "developmentMode",
          "os",
          "trustedKeys");
  private static final Set<String> OS = Set.of("sshKeys", "network");
  private static final Set<String> NETWORK = Set.of("hostname", "wifi", "dnsServers", "ntpServers");
  private static final Set<String> WIFI = Set.of("ssid", "psk");

  private DeviceConfigJson() {}

  static byte[] write(DeviceConfig config) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode root = nodes.objectNode();
    root.put("schemaVersion", DeviceConfig.SCHEMA_VERSION);
    root.put("fleetId", config.fleetId());
    root.put("fleet", config.fleet());
    root.put("deviceType", config.deviceType());
    putIfPresent(root, "provisioningKey", config.provisioningKey());
    putIfPresent(root, "uuid", config.uuid());
    putIfPresent(root, "deviceApiKey", config.deviceApiKey());
    root.put("apiEndpoint", config.apiEndpoint().toString());
    root.put("registryEndpoint", config.registryEndpoint().toString());
    root.put("deltaEndpoint", config.deltaEndpoint().toString());
    if (config.controlEndpoint() != null) {
      root.put("controlEndpoint", config.controlEndpoint().toString());
    }
    root.put("pollIntervalSeconds", config.pollIntervalSeconds());
    root.put("persistentLogging", config.persistentLogging());
    root.put("developmentMode", config.developmentMode());

    ObjectNode os = root.putObject("os");
    strings(os.putArray("sshKeys"), config.sshKeys());
    ObjectNode network = os.putObject("network");
    NetworkSettings settings = config.network();
    putIfPresent(network, "hostname", settings.hostname());
    if (settings.wifi() != null) {
      ObjectNode wifi = network.putObject("wifi");
      wifi.put("ssid", settings.wifi().ssid());
      wifi.put("psk", settings.wifi().psk());
    }
    strings(network.putArray("dnsServers"), settings.dnsServers());
    strings(network.putArray("ntpServers"), settings.ntpServers());

    strings(root.putArray("trustedKeys"), config.trustedKeys());
    byte[] text = JSON.writeValueAsBytes(root);
    byte[] withNewline = new byte[text.length + 1];
    System.arraycopy(text, 0, withNewline, 0, text.length);
    withNewline[text.length] = '\n';
    return withNewline;
  }

  static DeviceConfig read(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw DeviceConfig.invalid(
          "config.json is not valid JSON ("
              + e.getOriginalMessage()
              + "): fix the syntax, or start from the config.json that the server's os-config endpoint returns");
    }
    if (root == null || !root.isObject()) {
      throw DeviceConfig.invalid("config.json must hold one JSON object");
    }
    checkFields(root, TOP_LEVEL, "");
    int version = integer(root, "schemaVersion", "schemaVersion");
    if (version != DeviceConfig.SCHEMA_VERSION) {
      throw DeviceConfig.invalid(
          "Unsupported config.json schemaVersion "
              + version
              + ": this Slipway reads version "
              + DeviceConfig.SCHEMA_VERSION);
    }

    JsonNode os = object(root, "os", "os");
    JsonNode network = os == null ? null : object(os, "network", "os.network");
    return DeviceConfig.builder()
        .fleet(longValue(root, "fleetId"), text(root, "fleet", "fleet", true))
        .deviceType(text(root, "deviceType", "deviceType", true))
        .provisioningKey(text(root, "provisioningKey", "provisioningKey", false))
        .enrolment(
            text(root, "uuid", "uuid", false), text(root, "deviceApiKey", "deviceApiKey", false))
        .apiEndpoint(uri(root, "apiEndpoint"))
        .registryEndpoint(uri(root, "registryEndpoint"))
        .deltaEndpoint(uri(root, "deltaEndpoint"))
        .controlEndpoint(uri(root, "controlEndpoint"))
        .pollIntervalSeconds(
            root.has("pollIntervalSeconds")
                ? integer(root, "pollIntervalSeconds", "pollIntervalSeconds")
                : DeviceConfig.DEFAULT_POLL_INTERVAL_SECONDS)
        .persistentLogging(bool(root, "persistentLogging"))
        .developmentMode(bool(root, "developmentMode"))
        .sshKeys(os == null ? List.of() : strings(os, "sshKeys", "os.sshKeys"))
        .network(network(network))
        .trustedKeys(strings(root, "trustedKeys", "trustedKeys"))
        .build();
  }

  private static NetworkSettings network(JsonNode network) {
    if (network == null) {
      return NetworkSettings.NONE;
    }
    checkFields(network, NETWORK, "os.network.");
    JsonNode wifi = object(network, "wifi", "os.network.wifi");
    WifiNetwork wifiNetwork = null;
    if (wifi != null) {
      checkFields(wifi, WIFI, "os.network.wifi.");
      wifiNetwork =
          new WifiNetwork(
              text(wifi, "ssid", "os.network.wifi.ssid", true),
              text(wifi, "psk", "os.network.wifi.psk", true));
    }
    return new NetworkSettings(
        text(network, "hostname", "os.network.hostname", false),
        wifiNetwork,
        strings(network, "dnsServers", "os.network.dnsServers"),
        strings(network, "ntpServers", "os.network.ntpServers"));
  }

  private static void checkFields(JsonNode node, Set<String> known, String prefix) {
    Iterator<String> names = node.propertyNames().iterator();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw DeviceConfig.invalid(
            "Unknown field '"
                + prefix
                + name
                + "' in config.json: remove it or check its spelling (fields are listed in"
                + " docs/os-images.md)");
      }
    }
  }

  private static JsonNode object(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw DeviceConfig.invalid("config.json field '" + path + "' must be an object");
    }
    if (path.equals("os")) {
      checkFields(node, OS, "os.");
    }
    return node;
  }

  private static String text(JsonNode parent, String name, String path, boolean required) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      if (required) {
        throw DeviceConfig.invalid("config.json needs the field '" + path + "'");
      }
      return null;
    }
    if (!node.isString()) {
      throw DeviceConfig.invalid("config.json field '" + path + "' must be a string");
    }
    return node.asString();
  }

  private static int integer(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
      throw DeviceConfig.invalid("config.json field '" + path + "' must be a whole number");
    }
    return node.intValue();
  }

  private static long longValue(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw DeviceConfig.invalid("config.json field '" + name + "' must be a whole number");
    }
    return node.longValue();
  }

  private static boolean bool(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw DeviceConfig.invalid("config.json field '" + name + "' must be true or false");
    }
    return node.booleanValue();
  }

  private static URI uri(JsonNode parent, String name) {
    String value = text(parent, name, name, false);
    if (value == null) {
      return null;
    }
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw DeviceConfig.invalid(
          "Invalid "
              + name
              + " '"
              + value
              + "': use an absolute URL such as https://slipway.example.com ("
              + e.getReason()
              + ")");
    }
  }

  private static List<String> strings(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw DeviceConfig.invalid("config.json field '" + path + "' must be an array of strings");
    }
    List<String> values = new ArrayList<>();
    for (JsonNode element : node) {
      if (!element.isString()) {
        throw DeviceConfig.invalid("config.json field '" + path + "' must hold only strings");
      }
      values.add(element.asString());
    }
    return values;
  }

  private static void strings(ArrayNode target, List<String> values) {
    values.forEach(target::add);
  }

  private static void putIfPresent(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }
}
