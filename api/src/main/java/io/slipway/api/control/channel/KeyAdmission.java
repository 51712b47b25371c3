package io.slipway.api.control.channel;

import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.broker.DeviceAdmission;
import io.slipway.api.identity.BearerSecret;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Admits a device to the embedded broker when its key is its current one, the MQTT user name is its
 * UUID, it is approved and the control channel is on for it. Positive answers are cached for {@link
 * #CACHE_TIME} so that a crowd of reconnecting devices costs one indexed query each per window;
 * {@link #forget} clears them at once when a key is revoked or the channel turns off. Thread-safe.
 */
@Component
public class KeyAdmission implements DeviceAdmission {

  /** How long a positive answer is reused without asking the database again. */
  static final Duration CACHE_TIME = Duration.ofSeconds(5);

  /** Above this many cached answers, expired ones are dropped before adding another. */
  private static final int PRUNE_THRESHOLD = 50_000;

  private final ChannelRepository channels;
  private final ControlProperties properties;
  private final Clock clock;
  private final Map<String, Admitted> cache = new ConcurrentHashMap<>();

  /**
   * Bumped by every {@link #forget}. An answer is cached only when no forget ran while it was being
   * looked up, so a lookup that read the database before a revocation committed never refills the
   * cache with the revoked key.
   */
  private final AtomicLong generation = new AtomicLong();

  KeyAdmission(ChannelRepository channels, ControlProperties properties, Clock clock) {
    this.channels = channels;
    this.properties = properties;
    this.clock = clock;
  }

  private record Admitted(String keyHash, long expiresAt) {}

  @Override
  public boolean admits(String uuid, String deviceKey) {
    if (!properties.enabled() || uuid == null || deviceKey == null || deviceKey.isEmpty()) {
      return false;
    }
    String keyHash = BearerSecret.sha256Hex(deviceKey);
    long now = clock.millis();
    Admitted cached = cache.get(uuid);
    if (cached != null && cached.expiresAt() > now && cached.keyHash().equals(keyHash)) {
      return true;
    }

    long before = generation.get();
    boolean admitted = lookUp(uuid, keyHash, now);
    if (admitted && generation.get() == before) {
      remember(uuid, keyHash, now);
    }
    return admitted;
  }

  /** Drops the cached answers of {@code uuids}, so their next CONNECT asks the database. */
  public void forget(Collection<String> uuids) {
    generation.incrementAndGet();
    uuids.forEach(cache::remove);
  }

  private boolean lookUp(String uuid, String keyHash, long now) {
    Optional<ChannelRepository.DeviceChannel> found = channels.findByKeyHash(keyHash);
    if (found.isEmpty()) {
      return false;
    }
    ChannelRepository.DeviceChannel device = found.get();
    return device.uuid().equals(uuid)
        && device.approved()
        && device.setting().effective(properties.enabled(), now);
  }

  private void remember(String uuid, String keyHash, long now) {
    if (cache.size() >= PRUNE_THRESHOLD) {
      cache.values().removeIf(entry -> entry.expiresAt() <= now);
    }
    cache.put(uuid, new Admitted(keyHash, now + CACHE_TIME.toMillis()));
  }
}
