package io.slipway.agent.client;

import io.slipway.delta.image.Digest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON of the device API: reads the server's responses into the client's records and writes the
 * request bodies. Readers throw {@link MalformedException} naming the field at fault, which the
 * caller turns into a {@code PROTOCOL} failure naming the request. Stateless and thread-safe.
 */
final class DeviceApiJson {

  /** The maximum length of a service message that the server stores, in characters. */
  static final int MAX_MESSAGE_LENGTH = 500;

  static final JsonMapper JSON = JsonMapper.builder().build();

  private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {};

  private DeviceApiJson() {}

  /** A response body without a field the agent needs, or with a field of the wrong type. */
  static final class MalformedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  static JsonNode parse(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw new MalformedException("the body is not a JSON object");
      }
      return root;
    } catch (JacksonException e) {
      throw new MalformedException("the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Reads a registration response; {@code created} comes from the status (201 or 200). */
  static Registered registered(JsonNode root, boolean created) {
    JsonNode fleet = object(root, "fleet");
    return new Registered(
        text(root, "uuid"),
        text(root, "deviceKey"),
        text(fleet, "org") + "/" + text(fleet, "slug"),
        created);
  }

  /** Reads a target state; {@code etag} comes from the response's header. */
  static TargetState targetState(JsonNode root, String etag) {
    JsonNode release = root.get("release");
    Long releaseId = null;
    String version = null;
    if (release != null && !release.isNull()) {
      releaseId = number(object(root, "release"), "id");
      version = optionalText(release, "version");
    }

    Map<String, TargetService> services = new LinkedHashMap<>();
    JsonNode servicesNode = root.get("services");
    if (servicesNode != null && !servicesNode.isNull()) {
      for (Map.Entry<String, JsonNode> entry : object(root, "services").properties()) {
        services.put(entry.getKey(), service(entry.getKey(), entry.getValue()));
      }
    }
    return new TargetState(
        etag, releaseId, version, services, strings(root.get("config"), "config"));
  }

  private static TargetService service(String name, JsonNode node) {
    if (!node.isObject()) {
      throw new MalformedException("service '" + name + "' is not a JSON object");
    }
    JsonNode configuration = node.get("configuration");
    Map<String, Object> configurationMap =
        configuration == null || configuration.isNull()
            ? Map.of()
            : JSON.convertValue(object(node, "configuration"), OBJECT_MAP);
    return new TargetService(
        name,
        optionalText(node, "image"),
        strings(node.get("environment"), name + ".environment"),
        strings(node.get("labels"), name + ".labels"),
        configurationMap);
  }

  /** Reads {@code GET .../fleet}. */
  static FleetInfo fleet(JsonNode root) {
    return new FleetInfo(
        text(root, "org"),
        text(root, "slug"),
        optionalText(root, "deviceType"),
        optionalText(root, "architecture"),
        optionalText(root, "platform"));
  }

  /** Reads {@code GET .../control-channel}; a missing {@code enabled} counts as false. */
  static ControlChannelSettings controlChannel(JsonNode root) {
    JsonNode enabled = root.get("enabled");
    if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
      throw new MalformedException("enabled is not true or false");
    }
    Instant until = optionalInstant(root, "until");
    String url = optionalText(root, "url");
    long keepAlive = optionalNumber(root, "keepAliveSeconds");
    if (keepAlive < 0 || keepAlive > 65_535) {
      throw new MalformedException("keepAliveSeconds " + keepAlive + " is not between 0 and 65535");
    }
    try {
      return new ControlChannelSettings(
          enabled != null && enabled.asBoolean(),
          until,
          url == null ? null : URI.create(url),
          optionalText(root, "caCertificate"),
          (int) keepAlive);
    } catch (IllegalArgumentException e) {
      throw new MalformedException("url '" + url + "' is not a valid URI: " + e.getMessage());
    }
  }

  /**
   * Reads a delta response. {@code retryAfter} is the {@code Retry-After} header in seconds, or
   * null; the body's {@code retryAfterSeconds} counts when the header is missing.
   *
   * @param deltaBase the delta endpoint that relative payload paths are resolved against
   */
  static DeltaOffer delta(JsonNode root, Long retryAfter, URI deltaBase) {
    String status = text(root, "status");
    switch (status) {
      case "ready" -> {
        JsonNode payload = object(root, "payload");
        byte[] bundle = JSON.writeValueAsBytes(object(root, "bundle"));
        return new DeltaOffer.Ready(
            bundle,
            payloadUri(deltaBase, text(payload, "url")),
            number(payload, "size"),
            digest(payload, "digest"));
      }
      case "generating" -> {
        long seconds = retryAfter != null ? retryAfter : optionalNumber(root, "retryAfterSeconds");
        return new DeltaOffer.Generating(Duration.ofSeconds(Math.max(1, seconds)));
      }
      case "full" -> {
        return new DeltaOffer.Full(optionalText(root, "reason"));
      }
      default ->
          throw new MalformedException(
              "status '" + status + "' is none of ready, generating and full");
    }
  }

  private static URI payloadUri(URI deltaBase, String url) {
    try {
      return Endpoints.resolve(deltaBase, url);
    } catch (IllegalArgumentException e) {
      throw new MalformedException("payload.url: " + e.getMessage());
    }
  }

  /** Reads the release signature response and returns its bundle as JSON bytes. */
  static byte[] releaseBundle(JsonNode root) {
    return JSON.writeValueAsBytes(object(root, "bundle"));
  }

  /** Writes a state report body. */
  static byte[] report(StateReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("releaseId", report.releaseId());
    ObjectNode services = root.putObject("services");
    report.services().forEach((name, state) -> services.set(name, serviceState(state)));
    if (report.osVersion() != null) {
      root.put("osVersion", report.osVersion());
    }
    return JSON.writeValueAsBytes(root);
  }

  private static ObjectNode serviceState(ServiceState state) {
    ObjectNode node = JSON.createObjectNode();
    node.put("status", state.status());
    putIfPresent(node, "image", state.image());
    if (state.downloadedBytes() != null) {
      node.put("downloadedBytes", state.downloadedBytes());
    }
    if (state.downloadSize() != null) {
      node.put("downloadSize", state.downloadSize());
    }
    Integer percent = percent(state.downloadedBytes(), state.downloadSize());
    if (percent != null) {
      node.put("downloadProgress", percent);
    }
    putIfPresent(node, "updateMethod", state.updateMethod());
    if (state.message() != null) {
      node.put("message", truncate(state.message()));
    }
    return node;
  }

  /** Writes a log batch: {@code [{timestamp, service?, message, isStderr, isSystem}]}. */
  static byte[] logs(List<LogLine> lines) {
    ArrayNode root = JSON.createArrayNode();
    for (LogLine line : lines) {
      ObjectNode node = root.addObject();
      node.put("timestamp", line.timestamp().toEpochMilli());
      putIfPresent(node, "service", line.service());
      node.put("message", line.message());
      node.put("isStderr", line.stderr());
      // Lines without a service are the agent's own.
      node.put("isSystem", line.service() == null);
    }
    return JSON.writeValueAsBytes(root);
  }

  /** Writes a registration request body. */
  static byte[] registration(Registration registration) {
    ObjectNode root = JSON.createObjectNode();
    root.put("uuid", registration.uuid());
    root.put("deviceType", registration.deviceType());
    putIfPresent(root, "name", registration.name());
    putIfPresent(root, "osVersion", registration.osVersion());
    root.put("deviceKey", registration.deviceKey());
    return JSON.writeValueAsBytes(root);
  }

  /** Writes {@code PATCH /device/v1/{uuid}}'s body with the OS version only. */
  static byte[] osVersion(String osVersion) {
    ObjectNode root = JSON.createObjectNode();
    root.put("osVersion", osVersion);
    return JSON.writeValueAsBytes(root);
  }

  /** Returns 0 to 100, or null unless both numbers are known and the size is positive. */
  static Integer percent(Long downloaded, Long size) {
    if (downloaded == null || size == null || size <= 0) {
      return null;
    }
    long clamped = Math.max(0, Math.min(downloaded, size));
    return (int) (clamped * 100 / size);
  }

  private static String truncate(String message) {
    if (message.length() <= MAX_MESSAGE_LENGTH) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static Map<String, String> strings(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new MalformedException(field + " is not a JSON object");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      JsonNode value = entry.getValue();
      if (value.isNull()) {
        continue;
      }
      if (value.isContainer()) {
        throw new MalformedException(field + "." + entry.getKey() + " is not a plain value");
      }
      values.put(entry.getKey(), value.asString());
    }
    return values;
  }

  private static JsonNode object(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new MalformedException(field + " is missing or not a JSON object");
    }
    return node;
  }

  private static String text(JsonNode parent, String field) {
    String value = optionalText(parent, field);
    if (value == null) {
      throw new MalformedException(field + " is missing");
    }
    return value;
  }

  private static String optionalText(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw new MalformedException(field + " is not a string");
    }
    return node.asString();
  }

  /**
   * Reads an optional time sent as milliseconds since the epoch, as the server sends its times, or
   * as an ISO-8601 instant.
   */
  private static Instant optionalInstant(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return Instant.ofEpochMilli(node.longValue());
    }
    if (!node.isString()) {
      throw new MalformedException(
          field + " is neither milliseconds since the epoch nor an ISO-8601 instant");
    }
    try {
      return Instant.parse(node.asString());
    } catch (DateTimeParseException e) {
      throw new MalformedException(field + " '" + node.asString() + "' is not an ISO-8601 instant");
    }
  }

  private static long number(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new MalformedException(field + " is missing or not a whole number");
    }
    return node.longValue();
  }

  private static long optionalNumber(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    return node == null || node.isNull() ? 0 : number(parent, field);
  }

  private static Digest digest(JsonNode parent, String field) {
    String value = text(parent, field);
    try {
      return Digest.of(value);
    } catch (IllegalArgumentException e) {
      throw new MalformedException(field + ": " + e.getMessage());
    }
  }
}
