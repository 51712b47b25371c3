package io.slipway.agent.report;

import io.slipway.agent.AgentException;
import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.client.StateReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the device's state to the server only when it changed, and at most once per interval. It
 * takes a snapshot once per interval and whenever {@link #nudge()} requests one, and sends on the
 * scheduler's thread. The update thread waits for the server only in {@link #flush()}, which skips
 * the interval. A failed send is retried with the next snapshot, one interval later.
 *
 * <p>Thread-safe.
 */
public final class StateReporter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StateReporter.class);

  private final String device;
  private final DeviceApi api;
  private final Supplier<StateReport> snapshot;
  private final Duration interval;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;

  private StateReport lastSent;
  private Instant lastAttempt;
  private String lastFailure;
  private ScheduledFuture<?> periodic;
  private ScheduledFuture<?> pending;

  /**
   * @param device the device UUID, for log lines
   * @param snapshot returns the report to send now; called on the scheduler's thread
   * @param interval the minimum time between two sends
   * @param clock the time source of the rate limit
   * @param scheduler runs snapshots and sends; may be shared with other devices
   */
  public StateReporter(
      String device,
      DeviceApi api,
      Supplier<StateReport> snapshot,
      Duration interval,
      Clock clock,
      ScheduledExecutorService scheduler) {
    this.device = device;
    this.api = Objects.requireNonNull(api, "api");
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "Report interval " + interval + " must be above zero: use at least 1s");
    }
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Starts the periodic snapshots; the first one runs at once. */
  public synchronized void start() {
    if (periodic == null) {
      periodic =
          scheduler.scheduleWithFixedDelay(
              this::tickSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Asks for a snapshot now, for example after a switch; the rate limit still applies. */
  public void nudge() {
    try {
      scheduler.execute(this::tickSafely);
    } catch (RejectedExecutionException e) {
      // The agent is stopping and its scheduler is shut down; nothing is left to report to.
    }
  }

  /**
   * Sends the current state at once, on the calling thread, when it differs from the last report
   * sent, regardless of the interval. The agent calls it before an update, because the server
   * offers deltas only from the image a device reports running.
   *
   * @return true when the server has the current state
   */
  public synchronized boolean flush() {
    StateReport report = snapshot.get();
    if (report.equals(lastSent)) {
      return true;
    }
    return send(report);
  }

  /** Returns the last report the server accepted, or empty before the first. */
  public synchronized Optional<StateReport> lastSent() {
    return Optional.ofNullable(lastSent);
  }

  /**
   * Takes a snapshot and sends it when it changed and the interval since the last attempt passed. A
   * change within the interval schedules another snapshot for the interval's end.
   */
  synchronized void tick() {
    StateReport report = snapshot.get();
    if (report.equals(lastSent)) {
      return;
    }
    Instant now = clock.instant();
    if (lastAttempt != null && now.isBefore(lastAttempt.plus(interval))) {
      scheduleRetry(Duration.between(now, lastAttempt.plus(interval)));
      return;
    }
    send(report);
  }

  private boolean send(StateReport report) {
    lastAttempt = clock.instant();
    try {
      api.reportState(report);
      lastSent = report;
      if (lastFailure != null) {
        log.info("State reports of device {} reach the server again", device);
        lastFailure = null;
      }
      return true;
    } catch (AgentException e) {
      // One line per kind of failure: a server that is down would otherwise fill the log.
      if (!e.getMessage().equals(lastFailure)) {
        log.warn(
            "State report of device {} failed ({}): {}; retrying in {}",
            device,
            e.failure(),
            e.getMessage(),
            interval);
        lastFailure = e.getMessage();
      }
      return false;
    }
  }

  private void scheduleRetry(Duration delay) {
    if (pending != null && !pending.isDone()) {
      return;
    }
    try {
      pending = scheduler.schedule(this::tickSafely, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The agent is stopping and its scheduler is shut down.
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; the next report must still go out.
      log.error("State report of device {} could not be made", device, e);
    }
  }

  /** Stops the periodic snapshots; a send in progress finishes. Idempotent. */
  @Override
  public synchronized void close() {
    if (periodic != null) {
      periodic.cancel(false);
    }
    if (pending != null) {
      pending.cancel(false);
    }
  }
}
