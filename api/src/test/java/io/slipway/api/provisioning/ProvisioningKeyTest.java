package io.slipway.api.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProvisioningKeyTest {

  private static ProvisioningKey key(Long expiresAt, Long maxUses, long uses, Long revokedAt) {
    return new ProvisioningKey(1, 2, "k", "alice", 0, expiresAt, maxUses, uses, null, revokedAt);
  }

  @Test
  void keyWithoutLimitsIsUsable() {
    assertThat(key(null, null, 1000, null).stateAt(5)).isEqualTo(ProvisioningKey.State.USABLE);
  }

  @Test
  void keyIsExpiredAtItsExpiryTime() {
    assertThat(key(5L, null, 0, null).stateAt(5)).isEqualTo(ProvisioningKey.State.EXPIRED);
  }

  @Test
  void keyIsUsedUpAtItsMaximumUses() {
    assertThat(key(null, 2L, 2, null).stateAt(5)).isEqualTo(ProvisioningKey.State.USED_UP);
  }

  @Test
  void revocationIsReportedBeforeExpiry() {
    assertThat(key(1L, null, 0, 3L).stateAt(5)).isEqualTo(ProvisioningKey.State.REVOKED);
  }
}
