package io.slipway.api.registry;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.organization.OrganizationRepository;
import java.util.Optional;

/** Reads memberships and fleets from their repositories. Safe for concurrent use. */
final class DatabaseRegistryMemberships implements RegistryMemberships {

  private final OrganizationRepository organizations;
  private final FleetRepository fleets;

  DatabaseRegistryMemberships(OrganizationRepository organizations, FleetRepository fleets) {
    this.organizations = organizations;
    this.fleets = fleets;
  }

  @Override
  public Optional<Role> roleOf(long userId, String organizationSlug) {
    return organizations
        .findBySlug(organizationSlug)
        .flatMap(organization -> organizations.findRole(organization.id(), userId));
  }

  @Override
  public Optional<String> fleetRepositoryPrefix(long fleetId) {
    return fleets.findById(fleetId).map(Fleet::repositoryPrefix);
  }
}
