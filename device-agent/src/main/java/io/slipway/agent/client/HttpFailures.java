package io.slipway.agent.client;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps HTTP outcomes to {@link AgentException}s the same way for every client of the agent: 401 and
 * 403 are {@code UNAUTHORIZED}; connection failures, timeouts, 408, 429 and 5xx are {@code
 * SERVER_UNAVAILABLE}, which callers retry; any other status is {@code PROTOCOL}. Messages name the
 * request (method and path, never a header) and the server's {@code {"code","message"}} when it
 * sent one. Stateless and thread-safe.
 */
final class HttpFailures {

  /** How much of a body that is not the server's error JSON goes into a message. */
  private static final int MAX_QUOTED_BODY = 200;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HttpFailures() {}

  /** Returns true for statuses that a retry later may get past. */
  static boolean retryable(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  /** Returns the failure of {@code request} that ended with {@code status} and {@code body}. */
  static AgentException ofStatus(String request, int status, byte[] body) {
    String message = request + " failed with HTTP " + status + describe(body);
    if (status == 403 && "DEVICE_NOT_APPROVED".equals(errorCode(body))) {
      return new AgentException(
          AgentFailure.UNAUTHORIZED,
          message + ": the fleet requires approval; an owner approves the device, then it goes on");
    }
    if (status == 401 || status == 403) {
      return new AgentException(
          AgentFailure.UNAUTHORIZED,
          message + ": check the device's key in config.json, or whether the device was deleted");
    }
    if (retryable(status)) {
      return new AgentException(AgentFailure.SERVER_UNAVAILABLE, message);
    }
    return new AgentException(AgentFailure.PROTOCOL, message);
  }

  /**
   * Returns the failure of {@code request} to {@code server} that could not reach it or timed out.
   * The message names the server's host and port and the cause's own message, once.
   */
  static AgentException unreachable(String request, URI server, IOException cause) {
    String outcome = cause instanceof HttpTimeoutException ? "timed out" : "failed";
    return new AgentException(
        AgentFailure.SERVER_UNAVAILABLE,
        request + " to " + server.getAuthority() + " " + outcome + ": " + detail(cause),
        cause);
  }

  /**
   * Returns the first message in the chain of {@code cause}. Java's HTTP client raises a {@link
   * ConnectException} without one when the connection is refused, so that case is named here.
   */
  private static String detail(Throwable cause) {
    for (Throwable link = cause; link != null; link = link.getCause()) {
      if (link.getMessage() != null && !link.getMessage().isBlank()) {
        return link.getMessage();
      }
    }
    if (cause instanceof ConnectException) {
      return "could not connect (refused, or no route to the host)";
    }
    return cause.getClass().getSimpleName();
  }

  /** Returns the failure for a response body the agent cannot read. */
  static AgentException malformed(String request, String problem) {
    return new AgentException(
        AgentFailure.PROTOCOL, request + " returned a response the agent cannot use: " + problem);
  }

  /** Returns the server's error code from an error body, or null when it sent none. */
  static String errorCode(byte[] body) {
    JsonNode error = errorJson(body);
    return error == null ? null : error.get("code").asString();
  }

  /** Describes an error body: the server's code and message, or the start of the text. */
  private static String describe(byte[] body) {
    JsonNode error = errorJson(body);
    if (error != null) {
      String message = error.path("message").asString("");
      return " (" + error.get("code").asString() + (message.isEmpty() ? "" : ": " + message) + ")";
    }
    if (body == null || body.length == 0) {
      return "";
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.length() > MAX_QUOTED_BODY) {
      text = text.substring(0, MAX_QUOTED_BODY) + "...";
    }
    return " (" + text + ")";
  }

  private static JsonNode errorJson(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body);
      boolean hasCode = node != null && node.isObject() && node.path("code").isString();
      return hasCode ? node : null;
    } catch (JacksonException e) {
      return null;
    }
  }
}
