package io.slipway.api.devicelog;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads the body of {@code POST /device/v1/{uuid}/logs}: a JSON array of objects {@code {timestamp,
 * service?, message, isStderr?, isSystem?}}. Stateless and thread-safe.
 */
public final class DeviceLogBatch {

  /** Maximum number of lines in one batch. */
  public static final int MAX_LINES = 1_000;

  /** Maximum body size in bytes (1 MiB). */
  public static final int MAX_BYTES = 1024 * 1024;

  private static final Set<String> FIELDS =
      Set.of("timestamp", "service", "message", "isStderr", "isSystem");

  private DeviceLogBatch() {}

  /**
   * Parses and checks one batch.
   *
   * @param body the request body, at most {@link #MAX_BYTES} bytes
   * @return the lines in the order sent; empty for {@code []}
   * @throws ApiException {@code DEVICE_LOG_BATCH_TOO_LARGE} for more than {@link #MAX_LINES} lines
   *     or bytes, {@code INVALID_REQUEST_BODY} when the body is not a JSON array, {@code
   *     DEVICE_LOG_INVALID_LINE} naming the index of the first bad line
   */
  public static List<DeviceLogLine> parse(byte[] body, ObjectMapper json) {
    if (body.length > MAX_BYTES) {
      throw tooLarge(body.length + " bytes");
    }
    JsonNode root = readTree(body, json);
    if (root.size() > MAX_LINES) {
      throw tooLarge(root.size() + " lines");
    }

    List<DeviceLogLine> lines = new ArrayList<>(root.size());
    for (int index = 0; index < root.size(); index++) {
      lines.add(line(index, root.get(index)));
    }
    return lines;
  }

  private static JsonNode readTree(byte[] body, ObjectMapper json) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JacksonException e) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "The log batch is not valid JSON ("
              + e.getOriginalMessage()
              + "): send a JSON array of log lines");
    }
    if (root == null || !root.isArray()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "The log batch must be a JSON array of log lines, such as"
              + " [{\"timestamp\": 1700000000000, \"message\": \"started\"}]");
    }
    return root;
  }

  private static DeviceLogLine line(int index, JsonNode node) {
    if (!node.isObject()) {
      throw invalid(index, "is not a JSON object; send {\"timestamp\": ..., \"message\": ...}");
    }
    for (String field : node.propertyNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid(index, "has the unknown field '" + field + "'; the fields are " + FIELDS);
      }
    }

    long timestamp = timestamp(index, node.get("timestamp"));
    String service = text(index, node.get("service"), "service");
    String message = text(index, node.get("message"), "message");
    boolean stderr = flag(index, node.get("isStderr"), "isStderr");
    boolean system = flag(index, node.get("isSystem"), "isSystem");
    try {
      return new DeviceLogLine(timestamp, service, message, stderr, system);
    } catch (IllegalArgumentException e) {
      throw invalid(index, "is invalid: " + e.getMessage());
    }
  }

  private static long timestamp(int index, JsonNode node) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw invalid(index, "has no whole-number 'timestamp'; send milliseconds since the epoch");
    }
    return node.longValue();
  }

  private static String text(int index, JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw invalid(index, "has a '" + field + "' that is not a string");
    }
    return node.stringValue();
  }

  private static boolean flag(int index, JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw invalid(index, "has an '" + field + "' that is not true or false");
    }
    return node.booleanValue();
  }

  private static ApiException invalid(int index, String problem) {
    return new ApiException(ErrorCode.DEVICE_LOG_INVALID_LINE, "Log line " + index + " " + problem);
  }

  private static ApiException tooLarge(String size) {
    return new ApiException(
        ErrorCode.DEVICE_LOG_BATCH_TOO_LARGE,
        "The log batch has "
            + size
            + "; send at most "
            + MAX_LINES
            + " lines and "
            + MAX_BYTES
            + " bytes per request, in several batches");
  }
}
