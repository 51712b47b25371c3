package io.slipway.api.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.identity.Identity;
import io.slipway.registry.auth.Scope;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandardRegistryGrantPolicyTest {

  private static final Identity ADMIN =
      Identity.user(1, "admin", true, Identity.Credential.API_TOKEN);

  private static final List<Scope> REQUESTED =
      List.of(
          Scope.repository("acme/sensors/app", "pull", "push"),
          Scope.repository("acme/sensors/other", "push"),
          Scope.parse("registry:catalog:*"));

  /** User 7 is a developer in acme and a viewer in globex; fleet 3 is acme/sensors. */
  private static final RegistryMemberships MEMBERSHIPS =
      new RegistryMemberships() {
        private final Map<String, Role> roles =
            Map.of("acme", Role.DEVELOPER, "globex", Role.VIEWER);

        @Override
        public Optional<Role> roleOf(long userId, String organizationSlug) {
          return userId == 7 ? Optional.ofNullable(roles.get(organizationSlug)) : Optional.empty();
        }

        @Override
        public Optional<String> fleetRepositoryPrefix(long fleetId) {
          return fleetId == 3 ? Optional.of("acme/sensors") : Optional.empty();
        }
      };

  private static StandardRegistryGrantPolicy policy(boolean anonymousPull) {
    return new StandardRegistryGrantPolicy(anonymousPull, MEMBERSHIPS);
  }

  private static Identity user(long id) {
    return Identity.user(id, "user" + id, false, Identity.Credential.API_TOKEN);
  }

  @Test
  void adminGetsEverythingRequested() {
    assertThat(policy(false).grant(ADMIN, REQUESTED)).containsExactlyElementsOf(REQUESTED);
  }

  @Test
  void anonymousPullGrantsPullOnly() {
    assertThat(policy(true).grant(Identity.anonymous(), REQUESTED))
        .containsExactly(Scope.repository("acme/sensors/app", "pull"));
  }

  @Test
  void anonymousGetsNothingByDefault() {
    assertThat(policy(false).grant(Identity.anonymous(), REQUESTED)).isEmpty();
  }

  @Test
  void developerGetsPullAndPushInTheirOrganization() {
    List<Scope> granted =
        policy(false).grant(user(7), List.of(Scope.repository("acme/sensors/app", "pull", "push")));

    assertThat(granted).containsExactly(Scope.repository("acme/sensors/app", "pull", "push"));
  }

  @Test
  void memberNeverGetsDeleteOrTheCatalog() {
    List<Scope> granted =
        policy(false)
            .grant(
                user(7),
                List.of(
                    Scope.repository("acme/sensors/app", "delete"),
                    Scope.parse("registry:catalog:*")));

    assertThat(granted).isEmpty();
  }

  @Test
  void viewerGetsPullOnly() {
    List<Scope> granted =
        policy(false).grant(user(7), List.of(Scope.repository("globex/x/app", "pull", "push")));

    assertThat(granted).containsExactly(Scope.repository("globex/x/app", "pull"));
  }

  @Test
  void userGetsNothingOutsideTheirOrganizations() {
    List<Scope> granted =
        policy(true).grant(user(7), List.of(Scope.repository("initech/x/app", "pull")));

    assertThat(granted).isEmpty();
  }

  @Test
  void deviceGetsPullOnItsOwnFleetOnly() {
    Identity device = Identity.device(11, "ab".repeat(16), 3);

    List<Scope> granted =
        policy(false)
            .grant(
                device,
                List.of(
                    Scope.repository("acme/sensors/app", "pull", "push"),
                    Scope.repository("acme/sensors-old/app", "pull"),
                    Scope.repository("acme/other/app", "pull")));

    assertThat(granted).containsExactly(Scope.repository("acme/sensors/app", "pull"));
  }

  @Test
  void provisioningKeyGetsNothing() {
    assertThat(policy(true).grant(Identity.provisioningKey(5, 3), REQUESTED)).isEmpty();
  }

  @Test
  void adminMayNotPushAFleetRepository() {
    List<Scope> granted =
        policy(false)
            .grant(
                ADMIN,
                List.of(
                    Scope.repository("acme/sensors", "pull", "push", "delete"),
                    Scope.repository("acme/other", "*"),
                    Scope.repository("acme/single", "push")));

    assertThat(granted)
        .containsExactly(
            Scope.repository("acme/sensors", "pull", "delete"),
            Scope.repository("acme/other", "pull", "delete"));
  }

  @Test
  void developerPullsButNeverPushesAFleetRepository() {
    List<Scope> granted =
        policy(false).grant(user(7), List.of(Scope.repository("acme/sensors", "pull", "push")));

    assertThat(granted).containsExactly(Scope.repository("acme/sensors", "pull"));
  }

  @Test
  void viewerPullsAFleetRepository() {
    List<Scope> granted =
        policy(false).grant(user(7), List.of(Scope.repository("globex/x", "pull")));

    assertThat(granted).containsExactly(Scope.repository("globex/x", "pull"));
  }

  @Test
  void devicePullsItsOwnFleetRepositoryOnly() {
    Identity device = Identity.device(11, "ab".repeat(16), 3);

    List<Scope> granted =
        policy(false)
            .grant(
                device,
                List.of(
                    Scope.repository("acme/sensors", "pull", "push"),
                    Scope.repository("acme/sensors-old", "pull"),
                    Scope.repository("acme/other", "pull")));

    assertThat(granted).containsExactly(Scope.repository("acme/sensors", "pull"));
  }

  @Test
  void builderPushesItsOwnFleetRepository() {
    List<Scope> granted =
        policy(false)
            .grant(
                Identity.builder(3),
                List.of(
                    Scope.repository("acme/sensors", "pull", "push"),
                    Scope.repository("acme/sensors/app", "pull", "push")));

    assertThat(granted)
        .containsExactly(
            Scope.repository("acme/sensors", "pull", "push"),
            Scope.repository("acme/sensors/app", "pull", "push"));
  }

  @Test
  void builderOnlyPullsAnotherFleetRepository() {
    List<Scope> granted =
        policy(false)
            .grant(
                Identity.builder(3),
                List.of(
                    Scope.repository("acme/sensors-old", "pull", "push"),
                    Scope.repository("acme/other/app", "pull", "push"),
                    Scope.repository("globex/x", "pull")));

    assertThat(granted)
        .containsExactly(
            Scope.repository("acme/sensors-old", "pull"),
            Scope.repository("acme/other/app", "pull"));
  }
}
