package io.slipway.api.registry;

import io.slipway.api.access.Role;
import java.util.Optional;

/**
 * Lookups of memberships and fleets for the registry grant policy. Implementations read the
 * database and must be safe for concurrent use.
 */
public interface RegistryMemberships {

  /** Returns the role of user {@code userId} in organization {@code organizationSlug}, if any. */
  Optional<Role> roleOf(long userId, String organizationSlug);

  /** Returns {@code <org>/<fleet>} of fleet {@code fleetId}, if it exists. */
  Optional<String> fleetRepositoryPrefix(long fleetId);
}
