package io.slipway.api.registry;

import io.slipway.api.identity.Identity;
import io.slipway.registry.auth.Scope;
import java.util.List;
import java.util.Set;

/**
 * Grants the administrator every requested scope, including {@code registry:catalog:*}, and an
 * anonymous client the {@code pull} action on requested repositories when anonymous pull is on.
 */
public final class StandardRegistryGrantPolicy implements RegistryGrantPolicy {

  private static final String PULL = "pull";

  private final boolean anonymousPull;

  public StandardRegistryGrantPolicy(boolean anonymousPull) {
    this.anonymousPull = anonymousPull;
  }

  @Override
  public List<Scope> grant(Identity who, List<Scope> requested) {
    return switch (who.kind()) {
      case USER -> who.serverAdmin() ? List.copyOf(requested) : List.of();
      case ANONYMOUS -> anonymousPull ? pullOnly(requested) : List.of();
      case DEVICE, PROVISIONING_KEY -> List.of();
    };
  }

  private static List<Scope> pullOnly(List<Scope> requested) {
    return requested.stream()
        .filter(scope -> scope.type().equals("repository") && scope.allows(PULL))
        .map(scope -> new Scope(scope.type(), scope.name(), Set.of(PULL)))
        .toList();
  }
}
