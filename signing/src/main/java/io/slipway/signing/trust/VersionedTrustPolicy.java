package io.slipway.signing.trust;

import java.util.Objects;

/**
 * The keys a device trusts together with the version of the key list they came from. Immutable.
 *
 * @param policy the trusted keys
 * @param version the version of the signed key list the policy came from; 0 for keys from
 *     provisioning that no signed list has confirmed yet
 */
public record VersionedTrustPolicy(TrustPolicy policy, long version) {

  /**
   * @throws IllegalArgumentException when the version is negative
   */
  public VersionedTrustPolicy {
    Objects.requireNonNull(policy, "policy");
    if (version < 0) {
      throw new IllegalArgumentException("Trust policy version " + version + " is negative");
    }
  }
}
