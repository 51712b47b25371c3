package io.slipway.api.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.identity.Identity;
import io.slipway.registry.auth.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardRegistryGrantPolicyTest {

  private static final Identity ADMIN =
      Identity.user(1, "admin", true, Identity.Credential.API_TOKEN);

  private static final List<Scope> REQUESTED =
      List.of(
          Scope.repository("acme/app", "pull", "push"),
          Scope.repository("acme/other", "push"),
          Scope.parse("registry:catalog:*"));

  @Test
  void adminGetsEverythingRequested() {
    List<Scope> granted = new StandardRegistryGrantPolicy(false).grant(ADMIN, REQUESTED);

    assertThat(granted).containsExactlyElementsOf(REQUESTED);
  }

  @Test
  void anonymousPullGrantsPullOnly() {
    List<Scope> granted =
        new StandardRegistryGrantPolicy(true).grant(Identity.anonymous(), REQUESTED);

    assertThat(granted).containsExactly(Scope.repository("acme/app", "pull"));
  }

  @Test
  void anonymousGetsNothingByDefault() {
    List<Scope> granted =
        new StandardRegistryGrantPolicy(false).grant(Identity.anonymous(), REQUESTED);

    assertThat(granted).isEmpty();
  }
}
