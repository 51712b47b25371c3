package io.slipway.api.device;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.identity.Identity;
import io.slipway.api.identity.TokenResolver;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Resolves device API keys ({@code sld_...}). A device that awaits approval is refused. A device's
 * first use of its key is written at once; later last-seen times at most once a minute per device,
 * in batches through {@link DeviceLastSeen}, so that polling costs no write of its own.
 */
@Component
class DeviceKeyResolver implements TokenResolver {

  private static final long TOUCH_INTERVAL = Duration.ofMinutes(1).toMillis();

  private final DeviceRepository devices;
  private final DeviceLastSeen lastSeen;
  private final Clock clock;

  DeviceKeyResolver(DeviceRepository devices, DeviceLastSeen lastSeen, Clock clock) {
    this.devices = devices;
    this.lastSeen = lastSeen;
    this.clock = clock;
  }

  @Override
  public String prefix() {
    return BearerSecret.DEVICE_KEY;
  }

  @Override
  public Optional<Identity> resolve(String secret) {
    Optional<DeviceRepository.KeyOwner> found =
        devices.findByKeyHash(BearerSecret.sha256Hex(secret));
    if (found.isEmpty()) {
      return Optional.empty();
    }

    DeviceRepository.KeyOwner owner = found.get();
    long now = clock.millis();
    if (owner.lastSeen() == null) {
      // Written at once, approved or not: a registration retry may rotate the key only while it
      // was never used, so a device that waits for approval cannot be taken over either.
      devices.touch(owner.deviceId(), now);
    }
    if (!owner.approved()) {
      throw new ApiException(
          ErrorCode.DEVICE_NOT_APPROVED,
          "Device "
              + owner.uuid()
              + " awaits approval: an owner of its fleet must approve it before its key works");
    }
    if (owner.lastSeen() != null && now - owner.lastSeen() >= TOUCH_INTERVAL) {
      lastSeen.record(owner.deviceId(), now);
    }
    return Optional.of(Identity.device(owner.deviceId(), owner.uuid(), owner.fleetId()));
  }
}
