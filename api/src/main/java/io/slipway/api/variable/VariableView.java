package io.slipway.api.variable;

/**
 * A stored variable as the API shows it.
 *
 * @param name the name
 * @param value the value
 * @param kind {@code ENV} or {@code CONFIG}
 * @param service the service it applies to, or null for every service
 * @param updatedAt last write, milliseconds since the epoch
 */
public record VariableView(
    String name, String value, VariableKind kind, String service, long updatedAt) {

  static VariableView of(Variable variable) {
    return new VariableView(
        variable.name().value(),
        variable.value().text(),
        variable.kind(),
        variable.service().isEmpty() ? null : variable.service(),
        variable.updatedAt());
  }
}
