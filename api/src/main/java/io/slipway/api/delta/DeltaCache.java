package io.slipway.api.delta;

import io.slipway.delta.image.Digest;
import io.slipway.storage.StorageKey;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps stored deltas within {@code slipway.delta.cache-max-age} and {@code
 * slipway.delta.cache-max-bytes}. A pass deletes every finished row that no device used for longer
 * than the age limit, then the least recently used {@code READY} rows until their payloads fit the
 * size limit. The scheduled pass also deletes payload objects that no row names and that are older
 * than the generation timeout, which a server that stopped between storing and recording leaves.
 *
 * <p>A payload is deleted after its row, so a request that finds a {@code READY} row without its
 * payload is rare, and it makes the delta again. The limits are applied after every generation and
 * at a fixed delay ({@code slipway.delta.eviction-interval}, one hour by default). Every server
 * sharing the database runs the passes, and the conditional deletes keep a pass from removing a row
 * that a device used meanwhile. Safe for concurrent use; passes of one server run one at a time.
 */
@Component
@EnableScheduling
class DeltaCache {

  private static final Logger log = LoggerFactory.getLogger(DeltaCache.class);

  private final DeltaRepository deltas;
  private final DeltaPayloads payloads;
  private final DeltaProperties properties;
  private final Clock clock;

  DeltaCache(
      DeltaRepository deltas, DeltaPayloads payloads, DeltaProperties properties, Clock clock) {
    this.deltas = deltas;
    this.payloads = payloads;
    this.properties = properties;
    this.clock = clock;
  }

  /** The counts of rows and payloads that one pass deleted. */
  record Eviction(int byAge, int bySize, int orphans) {}

  /** Runs {@link #evict()} at a fixed delay; a failure is logged and the next run tries again. */
  @Scheduled(
      fixedDelayString = "${slipway.delta.eviction-interval:PT1H}",
      initialDelayString = "${slipway.delta.eviction-interval:PT1H}")
  void evictOnSchedule() {
    try {
      evict();
    } catch (RuntimeException e) {
      log.warn("Evicting deltas failed; the next pass tries again", e);
    }
  }

  /**
   * Applies the age and size limits after a generation, and logs a failure rather than throwing it.
   * Payloads without a row are left to the scheduled pass, because finding them lists every stored
   * payload.
   */
  void evictQuietly() {
    try {
      evict(false);
    } catch (RuntimeException e) {
      log.warn("Evicting deltas failed; the next pass tries again", e);
    }
  }

  /** Deletes deltas beyond the age and size limits and unnamed payloads; see the type. */
  Eviction evict() {
    return evict(true);
  }

  private synchronized Eviction evict(boolean withOrphans) {
    long now = clock.millis();
    int byAge = 0;
    for (StoredDelta delta : deltas.findUnusedSince(now - properties.cacheMaxAge().toMillis())) {
      if (remove(delta, "unused since " + delta.lastUsedAt())) {
        byAge++;
      }
    }

    int bySize = 0;
    long total = deltas.readyBytes();
    long limit = properties.cacheMaxBytes().toBytes();
    if (total > limit) {
      for (StoredDelta delta : deltas.findReadyByLastUse()) {
        if (total <= limit) {
          break;
        }
        if (remove(delta, "the cache holds " + total + " bytes, more than " + limit)) {
          total -= delta.payloadSize();
          bySize++;
        }
      }
    }

    int orphans = withOrphans ? deleteOrphans(now - properties.generationTimeout().toMillis()) : 0;
    Eviction eviction = new Eviction(byAge, bySize, orphans);
    if (byAge + bySize + orphans > 0) {
      log.info(
          "Evicted deltas: {} unused too long, {} beyond the size limit, {} payloads without a row",
          byAge,
          bySize,
          orphans);
    }
    return eviction;
  }

  private boolean remove(StoredDelta delta, String cause) {
    if (!deltas.deleteUnchanged(delta)) {
      return false;
    }
    Digest payload = delta.payloadDigest();
    if (payload != null && deltas.countByPayload(payload) == 0) {
      payloads.delete(payload);
    }
    log.info("Evicted delta {} ({}, payload {}): {}", delta.pair(), delta.state(), payload, cause);
    return true;
  }

  private int deleteOrphans(long olderThan) {
    List<StorageKey> keys;
    try (Stream<StorageKey> listed = payloads.list()) {
      keys = listed.toList();
    }
    int deleted = 0;
    for (StorageKey key : keys) {
      Optional<Digest> digest = DeltaPayloads.digestOf(key);
      if (digest.isEmpty() || deltas.countByPayload(digest.get()) > 0) {
        continue;
      }
      boolean old =
          payloads.stat(key).map(info -> info.modified().toEpochMilli() < olderThan).orElse(false);
      if (old && payloads.delete(digest.get())) {
        log.info("Deleted delta payload {}, which no delta names", digest.get());
        deleted++;
      }
    }
    return deleted;
  }
}
