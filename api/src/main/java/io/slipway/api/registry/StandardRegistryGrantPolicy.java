package io.slipway.api.registry;

import io.slipway.api.access.Permission;
import io.slipway.api.access.Role;
import io.slipway.api.access.RolePermissions;
import io.slipway.api.identity.Identity;
import io.slipway.registry.auth.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Grants registry scopes by least privilege. Images live in repositories named {@code
 * <org>/<fleet>/<service>}; the fleet's own repository {@code <org>/<fleet>} holds its signed
 * release documents, which only the server writes.
 *
 * <ul>
 *   <li>A server administrator gets every requested scope, {@code registry:catalog:*} included,
 *       except {@code push} on a repository of two path components.
 *   <li>Another user gets {@code pull} on repositories of organizations where their role includes
 *       {@link Permission#FLEET_READ}, and {@code push} where it includes {@link
 *       Permission#RELEASE_CREATE} but not on a repository of two path components; never {@code
 *       delete} and never the catalog.
 *   <li>A device gets {@code pull} on its own fleet's repository and the repositories below it
 *       only.
 *   <li>A builder secret gets {@code push} and {@code pull} on the fleet's repository and the
 *       repositories below it, {@code pull} on the other repositories of that fleet's organization,
 *       and nothing else. The server issues builder secrets to itself alone, so it is the only
 *       writer of release documents.
 *   <li>An anonymous client gets {@code pull} when anonymous pull is on; a provisioning key gets
 *       nothing.
 * </ul>
 *
 * <p>Safe for concurrent use; each call reads memberships afresh.
 */
public final class StandardRegistryGrantPolicy implements RegistryGrantPolicy {

  private static final String PULL = "pull";
  private static final String PUSH = "push";
  private static final String DELETE = "delete";
  private static final String REPOSITORY = "repository";

  private final boolean anonymousPull;
  private final RegistryMemberships memberships;

  public StandardRegistryGrantPolicy(boolean anonymousPull, RegistryMemberships memberships) {
    this.anonymousPull = anonymousPull;
    this.memberships = memberships;
  }

  @Override
  public List<Scope> grant(Identity who, List<Scope> requested) {
    return switch (who.kind()) {
      case USER -> who.serverAdmin() ? forAdmin(requested) : forMember(who, requested);
      case DEVICE -> forDevice(who, requested);
      case ANONYMOUS -> anonymousPull ? pullOnly(requested) : List.of();
      case BUILDER -> forBuilder(who, requested);
      case SYSTEM -> List.of();
      case PROVISIONING_KEY -> List.of();
    };
  }

  private static List<Scope> forAdmin(List<Scope> requested) {
    List<Scope> granted = new ArrayList<>();
    for (Scope scope : requested) {
      if (!scope.type().equals(REPOSITORY) || !isFleetRepository(scope.name())) {
        granted.add(scope);
        continue;
      }
      Set<String> actions = new LinkedHashSet<>();
      if (scope.allows(PULL)) {
        actions.add(PULL);
      }
      if (scope.allows(DELETE)) {
        actions.add(DELETE);
      }
      if (!actions.isEmpty()) {
        granted.add(new Scope(REPOSITORY, scope.name(), actions));
      }
    }
    return granted;
  }

  private List<Scope> forMember(Identity who, List<Scope> requested) {
    Map<String, Optional<Role>> roles = new HashMap<>();
    List<Scope> granted = new ArrayList<>();
    for (Scope scope : requested) {
      if (!scope.type().equals(REPOSITORY)) {
        continue;
      }
      Optional<Role> role =
          roles.computeIfAbsent(
              organizationOf(scope.name()), org -> memberships.roleOf(who.id(), org));
      if (role.isEmpty()) {
        continue;
      }
      Set<String> actions = new LinkedHashSet<>();
      if (scope.allows(PULL) && RolePermissions.allows(role.get(), Permission.FLEET_READ)) {
        actions.add(PULL);
      }
      if (scope.allows(PUSH)
          && !isFleetRepository(scope.name())
          && RolePermissions.allows(role.get(), Permission.RELEASE_CREATE)) {
        actions.add(PUSH);
      }
      if (!actions.isEmpty()) {
        granted.add(new Scope(REPOSITORY, scope.name(), actions));
      }
    }
    return granted;
  }

  private List<Scope> forDevice(Identity who, List<Scope> requested) {
    Optional<String> prefix = memberships.fleetRepositoryPrefix(who.fleetId());
    if (prefix.isEmpty()) {
      return List.of();
    }
    return pullOnly(requested).stream()
        .filter(scope -> isInFleet(scope.name(), prefix.get()))
        .toList();
  }

  private List<Scope> forBuilder(Identity who, List<Scope> requested) {
    Optional<String> prefix = memberships.fleetRepositoryPrefix(who.fleetId());
    if (prefix.isEmpty()) {
      return List.of();
    }
    String ownOrganization = organizationOf(prefix.get()) + "/";
    List<Scope> granted = new ArrayList<>();
    for (Scope scope : requested) {
      if (!scope.type().equals(REPOSITORY) || !scope.name().startsWith(ownOrganization)) {
        continue;
      }
      Set<String> actions = new LinkedHashSet<>();
      if (scope.allows(PULL)) {
        actions.add(PULL);
      }
      if (scope.allows(PUSH) && isInFleet(scope.name(), prefix.get())) {
        actions.add(PUSH);
      }
      if (!actions.isEmpty()) {
        granted.add(new Scope(REPOSITORY, scope.name(), actions));
      }
    }
    return granted;
  }

  /** Returns true for the fleet's own repository {@code fleetPrefix} and those below it. */
  private static boolean isInFleet(String repository, String fleetPrefix) {
    return repository.equals(fleetPrefix) || repository.startsWith(fleetPrefix + "/");
  }

  /**
   * Returns true for a name of two path components, {@code <org>/<fleet>}: a fleet's own repository
   * of signed release documents, or one that a fleet created later would own.
   */
  static boolean isFleetRepository(String repository) {
    int slash = repository.indexOf('/');
    return slash > 0 && repository.indexOf('/', slash + 1) < 0;
  }

  /** Returns the first path segment of a repository name: its organization's slug. */
  private static String organizationOf(String repository) {
    int slash = repository.indexOf('/');
    return slash < 0 ? repository : repository.substring(0, slash);
  }

  private static List<Scope> pullOnly(List<Scope> requested) {
    return requested.stream()
        .filter(scope -> scope.type().equals(REPOSITORY) && scope.allows(PULL))
        .map(scope -> new Scope(scope.type(), scope.name(), Set.of(PULL)))
        .toList();
  }
}
