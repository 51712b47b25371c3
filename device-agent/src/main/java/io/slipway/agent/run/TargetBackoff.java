package io.slipway.agent.run;

import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Spaces out new attempts at a target whose update failed in a way that repeats: a failed
 * verification, a download given up, or an engine that cannot run the release. Without it a
 * tampered registry blob would make the device download the whole image again at every poll.
 *
 * <p>A target is the same while its release id and ETag are; a changed target is tried at once.
 * After the n-th failure in a row the next attempt waits {@code base * 2^(n-1)}, at most {@link
 * #MAX_WAIT}.
 *
 * <p>Not thread-safe: the agent's update thread uses it.
 */
final class TargetBackoff {

  /** Maximum wait between two attempts at the same target. */
  static final Duration MAX_WAIT = Duration.ofHours(6);

  /** Failures that fail again when the same target is tried again at once. */
  private static final Set<AgentFailure> REPEATING =
      Set.of(
          AgentFailure.VERIFICATION_FAILED,
          AgentFailure.DOWNLOAD_FAILED,
          AgentFailure.ENGINE_FAILED);

  private final Duration base;

  private Long releaseId;
  private String etag;
  private int failures;
  private Instant retryAt = Instant.MIN;

  /**
   * @param base the wait after the first failure, the poll interval; positive
   * @throws IllegalArgumentException naming the value when it is not positive
   */
  TargetBackoff(Duration base) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("Backoff base " + base + " is not positive");
    }
    this.base = base;
  }

  /** Returns whether {@code target} failed before and must not be tried again before a time. */
  boolean holds(TargetState target, Instant now) {
    return same(target) && now.isBefore(retryAt);
  }

  /** Returns when {@code target} may be tried again; meaningful while {@link #holds} is true. */
  Instant retryAt() {
    return retryAt;
  }

  /**
   * Records that an update to {@code target} failed with {@code failure}; failures that do not
   * repeat by themselves, such as an unreachable server, leave the target free to retry.
   *
   * @return the time of the next attempt, or empty when it may be retried at once
   */
  Optional<Instant> failed(TargetState target, AgentFailure failure, Instant now) {
    if (!REPEATING.contains(failure)) {
      return Optional.empty();
    }
    if (!same(target)) {
      releaseId = target.releaseId();
      etag = target.etag();
      failures = 0;
    }
    failures++;
    retryAt = now.plus(wait(failures));
    return Optional.of(retryAt);
  }

  /** Forgets every failure, after a switch. */
  void reset() {
    releaseId = null;
    etag = null;
    failures = 0;
    retryAt = Instant.MIN;
  }

  private Duration wait(int failures) {
    // Past 2^20 poll intervals the cap is reached anyway; the shift stays far from overflow.
    Duration wait = base.multipliedBy(1L << Math.min(failures - 1, 20));
    return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
  }

  private boolean same(TargetState target) {
    return Objects.equals(releaseId, target.releaseId()) && Objects.equals(etag, target.etag());
  }
}
