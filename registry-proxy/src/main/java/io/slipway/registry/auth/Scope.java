package io.slipway.registry.auth;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One access grant of the Docker registry token protocol, such as {@code
 * repository:acme/fleet/app:pull,push}: a resource type, a resource name and the actions allowed on
 * it.
 *
 * @param type resource type, {@code repository} or {@code registry}
 * @param name resource name, for example a repository name or {@code catalog}
 * @param actions allowed actions, for example {@code pull}, {@code push}, {@code delete}, {@code *}
 */
public record Scope(String type, String name, Set<String> actions) {

  public Scope {
    if (type == null || type.isBlank() || type.contains(":")) {
      throw new IllegalArgumentException("Invalid scope type '" + type + "': use 'repository'");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Scope of type '" + type + "' has no resource name");
    }
    actions = Collections.unmodifiableSet(new LinkedHashSet<>(actions));
  }

  /**
   * Parses {@code type:name:action,action}. The name may itself hold colons (a registry host with a
   * port), so the type is the text before the first colon and the actions the text after the last.
   *
   * @throws IllegalArgumentException when {@code text} lacks one of the three parts
   */
  public static Scope parse(String text) {
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first <= 0 || last == first) {
      throw new IllegalArgumentException(
          "Invalid scope '" + text + "': expected 'repository:NAME:ACTION[,ACTION...]'");
    }
    String actionList = text.substring(last + 1);
    List<String> actions = actionList.isEmpty() ? List.of() : Arrays.asList(actionList.split(","));
    return new Scope(
        text.substring(0, first), text.substring(first + 1, last), Set.copyOf(actions));
  }

  /** Builds a repository scope. */
  public static Scope repository(String name, String... actions) {
    return new Scope("repository", name, Set.of(actions));
  }

  /** Returns true when this grant allows {@code action}, directly or through {@code *}. */
  public boolean allows(String action) {
    return actions.contains(action) || actions.contains("*");
  }

  /** Formats the scope as the protocol writes it. */
  @Override
  public String toString() {
    return type + ":" + name + ":" + String.join(",", actions);
  }
}
