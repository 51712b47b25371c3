package io.slipway.api.provisioning;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.identity.Identity;
import io.slipway.api.identity.TokenResolver;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Resolves provisioning keys ({@code slp_...}) to an identity that may only register devices into
 * the key's fleet. A revoked or expired key is refused with its own code. A used-up key still
 * resolves: a device whose registration response was lost may retry with it, and registration
 * itself refuses new devices.
 */
@Component
class ProvisioningKeyResolver implements TokenResolver {

  private final ProvisioningKeyRepository keys;
  private final FleetRepository fleets;
  private final AuditLog audit;
  private final Clock clock;

  ProvisioningKeyResolver(
      ProvisioningKeyRepository keys, FleetRepository fleets, AuditLog audit, Clock clock) {
    this.keys = keys;
    this.fleets = fleets;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public String prefix() {
    return BearerSecret.PROVISIONING_KEY;
  }

  @Override
  public Optional<Identity> resolve(String secret) {
    Optional<ProvisioningKey> found = keys.findByHash(BearerSecret.sha256Hex(secret));
    if (found.isEmpty()) {
      return Optional.empty();
    }

    ProvisioningKey key = found.get();
    Identity identity = Identity.provisioningKey(key.id(), key.fleetId());
    ProvisioningKey.State state = key.stateAt(clock.millis());
    if (state == ProvisioningKey.State.REVOKED || state == ProvisioningKey.State.EXPIRED) {
      ApiException error = ProvisioningKeyErrors.of(key, state);
      audit.denied(
          identity,
          "provisioning-key.used",
          "provisioning-key",
          String.valueOf(key.id()),
          organizationOf(key),
          Map.of("code", error.code()));
      throw error;
    }
    return Optional.of(identity);
  }

  private Long organizationOf(ProvisioningKey key) {
    return fleets.findById(key.fleetId()).map(Fleet::organizationId).orElse(null);
  }
}
