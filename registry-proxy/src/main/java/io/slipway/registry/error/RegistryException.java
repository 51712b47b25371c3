package io.slipway.registry.error;

import java.util.Map;

/**
 * A request that the registry rejects, with the specification's error code, a message naming the
 * value at fault, and optional detail for the {@code errors[]} envelope.
 */
public class RegistryException extends RuntimeException {

  private final ErrorCode code;
  private final Map<String, Object> detail;

  public RegistryException(ErrorCode code, String message) {
    this(code, message, Map.of());
  }

  public RegistryException(ErrorCode code, String message, Map<String, Object> detail) {
    super(message);
    this.code = code;
    this.detail = Map.copyOf(detail);
  }

  public ErrorCode code() {
    return code;
  }

  public Map<String, Object> detail() {
    return detail;
  }
}
