package io.slipway.api.variable;

import java.util.Objects;

/**
 * One stored variable.
 *
 * @param level where it is set: fleet or device, for every service or one
 * @param service the service it applies to, or {@code ""} for every service
 * @param name its name
 * @param kind environment or configuration, as the name decides
 * @param value its value
 * @param updatedAt when it was last written, in milliseconds since the epoch
 */
public record Variable(
    Level level,
    String service,
    VariableName name,
    VariableKind kind,
    VariableValue value,
    long updatedAt) {

  /** The four levels, least specific first; a more specific level wins over a less specific. */
  public enum Level {
    FLEET,
    FLEET_SERVICE,
    DEVICE,
    DEVICE_SERVICE;

    /**
     * Returns the level of a fleet ({@code device} false) or device variable for {@code service}.
     */
    public static Level of(boolean device, String service) {
      boolean oneService = service != null && !service.isEmpty();
      if (device) {
        return oneService ? DEVICE_SERVICE : DEVICE;
      }
      return oneService ? FLEET_SERVICE : FLEET;
    }
  }

  public Variable {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }

  /** Returns true when this variable applies to {@code serviceName}. */
  public boolean appliesTo(String serviceName) {
    return service.isEmpty() || service.equals(serviceName);
  }
}
