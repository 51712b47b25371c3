package io.slipway.api.variable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The variables of one device after overrides: for each name, the value of the most specific level
 * that sets it, in the order device and service, device, fleet and service, fleet. Immutable and
 * safe for concurrent use.
 */
public final class EffectiveVariables {

  private final List<Variable> variables;

  /**
   * @param variables the fleet's and the device's stored variables, in any order
   */
  public EffectiveVariables(List<Variable> variables) {
    List<Variable> sorted = new ArrayList<>(variables);
    // Least specific first, so that a later put overrides an earlier one.
    sorted.sort(Comparator.comparing(Variable::level));
    this.variables = List.copyOf(sorted);
  }

  /** Returns the environment of {@code service}, ordered by name. */
  public Map<String, String> environmentOf(String service) {
    return merge(VariableKind.ENV, service);
  }

  /** Returns the device agent's configuration, ordered by name. */
  public Map<String, String> config() {
    return merge(VariableKind.CONFIG, "");
  }

  /**
   * Returns the environment of each of {@code services}, keyed and ordered by service name.
   *
   * @param services the services of the release the device runs
   */
  public Map<String, Map<String, String>> environmentByService(Iterable<String> services) {
    Map<String, Map<String, String>> result = new TreeMap<>();
    for (String service : services) {
      result.put(service, environmentOf(service));
    }
    return Collections.unmodifiableMap(result);
  }

  private Map<String, String> merge(VariableKind kind, String service) {
    Map<String, String> merged = new TreeMap<>();
    for (Variable variable : variables) {
      if (variable.kind() == kind && variable.appliesTo(service)) {
        merged.put(variable.name().value(), variable.value().text());
      }
    }
    return Collections.unmodifiableMap(merged);
  }
}
