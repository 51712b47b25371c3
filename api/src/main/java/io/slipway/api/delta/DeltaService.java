package io.slipway.api.delta;

import io.slipway.api.delta.StoredDelta.State;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Service;

/**
 * Hands out deltas and has each one made once. A request for a pair without a row claims it with an
 * insert and queues its making on the bounded delta executor. A request that finds it being made
 * gets "generating". Across servers sharing the database the claim is the row, and within this
 * server a set of pairs in flight keeps a stale-looking claim of its own from being taken twice.
 *
 * <p>A claim older than {@code slipway.delta.generation-timeout} counts as abandoned by a stopped
 * server and is taken over. A failure is tried again after {@code slipway.delta.failure-retry}, and
 * a {@code READY} row whose payload vanished from the blob store is made again. Safe for concurrent
 * use.
 */
@Service
public class DeltaService {

  private static final Logger log = LoggerFactory.getLogger(DeltaService.class);

  /** A delta's last use is written at most once per this many milliseconds. */
  static final long TOUCH_INTERVAL_MILLIS = 60_000;

  private final DeltaRepository deltas;
  private final DeltaPayloads payloads;
  private final DeltaGenerator generator;
  private final DeltaCache cache;
  private final TaskExecutor executor;
  private final DeltaProperties properties;
  private final Clock clock;
  private final String server = "server-" + UUID.randomUUID();
  private final Set<DeltaPair> inFlight = ConcurrentHashMap.newKeySet();

  DeltaService(
      DeltaRepository deltas,
      DeltaPayloads payloads,
      DeltaGenerator generator,
      DeltaCache cache,
      DeltaExecutor executor,
      DeltaProperties properties,
      Clock clock) {
    this.deltas = deltas;
    this.payloads = payloads;
    this.generator = generator;
    this.cache = cache;
    this.executor = executor.executor();
    this.properties = properties;
    this.clock = clock;
  }

  /** The response to a device's request for a pair. */
  public sealed interface Outcome {}

  /** The delta is made: {@code delta} is its {@code READY} row. */
  public record Ready(StoredDelta delta) implements Outcome {}

  /**
   * The delta is being made; ask again after {@code retryAfterSeconds}.
   *
   * @param retryAfterSeconds whole seconds, at least 1
   */
  public record Generating(long retryAfterSeconds) implements Outcome {}

  /**
   * There is no delta: pull the target in full.
   *
   * @param reason why, for the device's log
   */
  public record Full(String reason) implements Outcome {}

  /**
   * Returns the delta of {@code pair}, and queues its making when no server has made it or is
   * making it. The caller has checked that the device may have it.
   */
  public Outcome request(DeltaPair pair, ImageLocation location) {
    if (!properties.enabled()) {
      return new Full("Deltas are turned off on this server");
    }
    long now = clock.millis();
    Optional<StoredDelta> row = deltas.find(pair);
    if (row.isEmpty()) {
      if (deltas.claimNew(pair, location, server, now)) {
        submit(pair, location);
        return generating();
      }
      row = deltas.find(pair);
      if (row.isEmpty()) {
        // Evicted between the insert attempt and the read: the next request claims it.
        return generating();
      }
    }
    return answer(row.get(), location, now);
  }

  /**
   * Makes the delta of {@code pair} on the calling thread unless it is made, being made, or known
   * to have none; the batch job after a release uses it.
   *
   * @return true when this call made (or tried to make) it
   */
  public boolean makeNow(DeltaPair pair, ImageLocation location) {
    if (!properties.enabled()) {
      return false;
    }
    long now = clock.millis();
    Optional<StoredDelta> row = deltas.find(pair);
    boolean claimed =
        row.isEmpty()
            ? deltas.claimNew(pair, location, server, now)
            : isClaimable(row.get(), now) && claimAgain(row.get(), location, now);
    if (!claimed || !inFlight.add(pair)) {
      return false;
    }
    try {
      generator.generate(pair, location, server);
    } finally {
      inFlight.remove(pair);
    }
    cache.evictQuietly();
    return true;
  }

  private Outcome answer(StoredDelta delta, ImageLocation location, long now) {
    if (isClaimable(delta, now)) {
      if (claimAgain(delta, location, now)) {
        submit(delta.pair(), location);
      }
      return generating();
    }
    return switch (delta.state()) {
      case READY -> {
        deltas.touch(delta.pair(), now, now - TOUCH_INTERVAL_MILLIS);
        yield new Ready(delta);
      }
      case FULL, FAILED -> {
        deltas.touch(delta.pair(), now, now - TOUCH_INTERVAL_MILLIS);
        yield new Full(delta.reason());
      }
      case GENERATING -> generating();
    };
  }

  /**
   * Returns true when {@code delta} should be made (again): a claim abandoned by a stopped server,
   * a failure old enough to retry, or a payload missing from the blob store.
   */
  private boolean isClaimable(StoredDelta delta, long now) {
    return switch (delta.state()) {
      case GENERATING ->
          !inFlight.contains(delta.pair())
              && now - delta.claimedAt() >= properties.generationTimeout().toMillis();
      case FAILED ->
          delta.finishedAt() == null
              || now - delta.finishedAt() >= properties.failureRetry().toMillis();
      case READY -> payloads.stat(delta.payloadDigest()).isEmpty();
      case FULL -> false;
    };
  }

  private boolean claimAgain(StoredDelta delta, ImageLocation location, long now) {
    boolean claimed = deltas.claimAgain(delta, location, server, now);
    if (claimed) {
      log.info(
          "Claimed delta {} again: it was {} (claimed by {} at {})",
          delta.pair(),
          delta.state(),
          delta.claimedBy(),
          delta.claimedAt());
    }
    return claimed;
  }

  private void submit(DeltaPair pair, ImageLocation location) {
    inFlight.add(pair);
    try {
      executor.execute(() -> run(pair, location));
    } catch (RejectedExecutionException e) {
      inFlight.remove(pair);
      // Giving the claim up at once lets the next request queue it again.
      deltas.markWithout(pair, server, State.FAILED, "The server's delta queue was full", 0, 0);
      log.warn("Delta {} was not queued because the delta queue is full; it is retried", pair);
    }
  }

  private void run(DeltaPair pair, ImageLocation location) {
    try {
      generator.generate(pair, location, server);
    } finally {
      inFlight.remove(pair);
    }
    cache.evictQuietly();
  }

  private Generating generating() {
    return new Generating(properties.retryAfter().toSeconds());
  }
}
