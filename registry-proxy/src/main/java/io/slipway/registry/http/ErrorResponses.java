package io.slipway.registry.http;

import io.slipway.registry.error.RegistryException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Writes errors in the OCI distribution {@code errors[]} envelope. */
final class ErrorResponses {

  static final ObjectMapper JSON = JsonMapper.builder().build();

  private ErrorResponses() {}

  static void write(HttpServletResponse response, RegistryException error) throws IOException {
    write(
        response,
        error.code().status(),
        error.code().wireCode(),
        error.getMessage(),
        error.detail());
  }

  static void write(
      HttpServletResponse response, int status, String code, String message, Map<String, ?> detail)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(status);
    response.setContentType("application/json");
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("code", code);
    entry.put("message", message);
    entry.put("detail", detail);
    byte[] body = JSON.writeValueAsBytes(Map.of("errors", List.of(entry)));
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
