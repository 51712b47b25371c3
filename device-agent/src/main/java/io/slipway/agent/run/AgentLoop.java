package io.slipway.agent.run;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.DeviceAgent;
import io.slipway.agent.PausePoints;
import io.slipway.agent.client.PollSchedule;
import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.control.ControlChannel;
import io.slipway.agent.control.ControlChannelFactory;
import io.slipway.agent.provision.Provisioning;
import io.slipway.agent.report.DeviceStatus;
import io.slipway.agent.report.LogForwarder;
import io.slipway.agent.report.StateReporter;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.update.Updater;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device agent's main loop: lock the data directory, register, bring the engine in line with
 * the installed release, then poll the target state and switch releases.
 *
 * <p>A switch stops the services whose update strategy is kill-then-download first, unless a
 * service holds its update lock. The updater then brings the release into the store, verified. When
 * a service of the current release holds its update lock, the agent keeps the prepared images and
 * tries again next round. Otherwise it loads the images into the engine, checks that the engine can
 * create every container of the release, commits the release in the store (the one commit point),
 * makes the engine run it and removes unused images. When the engine cannot start the new release
 * after the commit, the loop commits the previous release again and runs it. Its images are still
 * in the store, because garbage is collected only once the new release runs.
 *
 * <p>An engine that cannot run the current release is repaired each round, and the round still
 * polls, so a newer release can replace one that fails. A target whose update failed with {@code
 * VERIFICATION_FAILED}, {@code DOWNLOAD_FAILED} or {@code ENGINE_FAILED} is tried again only after
 * a wait that doubles from the poll interval up to 6 hours ({@link TargetBackoff}); a changed
 * target is tried at once.
 *
 * <p>A failed round is reported and retried with backoff, whether it failed with an {@link
 * AgentException}, another unchecked exception or a {@link LinkageError}. The ETag of a target is
 * kept only once the device runs it, so after a failure the next poll returns the same target
 * again.
 *
 * <p>With a control channel ({@link Builder#controlChannel}), each round first passes the server's
 * channel setting to the channel; a failure to read it is logged and the round goes on.
 *
 * <p>{@link #run()} runs on one thread; {@link #targetChanged()} and {@link #close()} may be called
 * from any thread. {@link #start()} and {@link #round()} let a caller drive the loop itself, as the
 * simulation does with a shared thread pool.
 */
public final class AgentLoop implements DeviceAgent {

  private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);

  private static final long NO_RELEASE = -1;

  private final Builder settings;
  private final DeviceStatus status;
  private final Object wakeUp = new Object();
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;

  private volatile boolean closed;
  private boolean pollRequested;

  private DataDirectoryLock lock;
  private String device;
  private AgentParts parts;
  private PollSchedule timing;
  private StateReporter reporter;
  private LogForwarder forwarder;
  private AutoCloseable following;
  private String etag;
  private boolean engineInLine = true;

  /** The release whose wait for update locks was logged at INFO; later rounds log at DEBUG. */
  private long lockedRelease = NO_RELEASE;

  private TargetBackoff backoff;
  private ControlChannel channel;

  private AgentLoop(Builder settings) {
    this.settings = settings;
    this.status = new DeviceStatus(settings.osVersion);
    this.ownsScheduler = settings.scheduler == null;
    this.scheduler =
        ownsScheduler
            ? Executors.newSingleThreadScheduledExecutor(AgentLoop::reporterThread)
            : settings.scheduler;
  }

  /** Returns a builder; the data directory, provisioning and parts are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void run() throws InterruptedException {
    start();
    while (!closed) {
      Duration wait = round();
      await(wait);
    }
  }

  /**
   * Locks the data directory, registers, makes the parts and brings the engine in line with the
   * installed release. Engine failures here are logged and repaired in a later round.
   *
   * @throws AgentException {@code ALREADY_RUNNING}, {@code INVALID_CONFIG}, {@code
   *     REGISTRATION_REFUSED} or {@code STORE_FAILED}; nothing is left locked
   * @throws InterruptedException while waiting to retry a registration
   */
  public void start() throws InterruptedException {
    lock = DataDirectoryLock.acquire(settings.dataDirectory);
    try {
      AgentConfig config = settings.provisioning.ensureRegistered();
      if (closed) {
        // Stopped while registering: release the lock again, and run() ends without a round.
        close();
        return;
      }
      device = config.uuid();
      parts = settings.parts.create(config);
      Duration interval =
          settings.pollInterval != null ? settings.pollInterval : config.pollInterval();
      timing = settings.timing.apply(interval);
      backoff = new TargetBackoff(interval);
      log.info("Agent of device {} started; polling every {}", device, interval);

      startEngine();
      startReporting();
      startChannel(config);
      settings.events.started(device);
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
  }

  /**
   * Polls the target state once and moves the device to it when it differs from what runs. Call
   * {@link #start()} first; after {@link #close()} it does nothing.
   *
   * @return how long to wait before the next round
   */
  public Duration round() {
    if (closed) {
      return Duration.ZERO;
    }
    refreshChannel();
    try {
      // An engine that cannot run the current release must not keep the device from polling:
      // a newer release may be the fix.
      boolean repaired = engineInLine || repairEngine(status.current().orElseThrow());
      pollAndUpdate();
      return repaired ? timing.afterSuccess() : timing.afterFailure();
    } catch (AgentException e) {
      return failedRound(e);
    } catch (RuntimeException | LinkageError e) {
      // A bug, or a native library that fails to load, must not end the agent. The device keeps
      // running its release, and the next round starts afresh.
      return unexpectedRound(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Duration.ZERO;
    }
  }

  @Override
  public void targetChanged() {
    synchronized (wakeUp) {
      pollRequested = true;
      wakeUp.notifyAll();
    }
  }

  @Override
  public void close() {
    closed = true;
    targetChanged();
    closeQuietly(channel);
    closeQuietly(following);
    if (forwarder != null) {
      forwarder.close();
    }
    if (reporter != null) {
      reporter.close();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    if (parts != null && parts.runner() instanceof AutoCloseable engine) {
      // Closing releases the engine client's connections. The containers keep running.
      closeQuietly(engine);
    }
    synchronized (this) {
      if (lock != null) {
        lock.close();
        lock = null;
      }
    }
  }

  /** Returns what the device runs and how its update moves, as reports carry it. */
  public DeviceStatus status() {
    return status;
  }

  /**
   * Brings the engine in line with the installed release at start. Garbage is not collected here:
   * images verified for a switch that a kill or an update lock interrupted stay for the next
   * attempt, and the next switch removes what no release needs.
   */
  private void startEngine() {
    Optional<InstalledRelease> current = parts.store().current();
    if (current.isPresent()) {
      status.installed(current.get(), Map.of(), Map.of());
      repairEngine(current.get());
    }
  }

  /**
   * Loads and runs {@code release} in the engine; a failure is logged and reported per service, and
   * the next round tries again.
   *
   * @return whether the engine runs the release now
   */
  private boolean repairEngine(InstalledRelease release) {
    try {
      parts.runner().load(release, parts.store().layout());
      reconcile(release);
      status.recovered(release.services().keySet());
      return true;
    } catch (AgentException e) {
      log.error(
          "Device {} cannot run release {} ({}): {}; retrying each round",
          device,
          release.releaseId(),
          e.failure(),
          e.getMessage());
      status.failed(release.services().keySet(), e.failure() + ": " + e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      log.error(
          "Device {} cannot run release {}; retrying each round", device, release.releaseId(), e);
      status.failed(release.services().keySet(), e.toString());
    }
    engineInLine = false;
    return false;
  }

  private void startReporting() {
    reporter =
        new StateReporter(
            device,
            parts.api(),
            () -> status.snapshot(parts.runner().status()),
            settings.reportInterval,
            settings.clock,
            scheduler);
    reporter.start();
    if (settings.forwardLogs) {
      forwarder = new LogForwarder(device, parts.api(), settings.logLimits, settings.clock);
      forwarder.start();
      following = parts.runner().followLogs(forwarder);
    }
  }

  private void startChannel(AgentConfig config) {
    if (settings.control == null) {
      return;
    }
    channel = settings.control.create(config, parts.runner(), this);
    refreshChannel();
  }

  /**
   * Passes the server's control channel setting to the channel. A failure leaves the channel as it
   * is and does not fail the round, because polling matters more than the channel.
   */
  private void refreshChannel() {
    if (channel == null) {
      return;
    }
    try {
      channel.apply(parts.api().controlChannel());
    } catch (AgentException e) {
      log.warn(
          "Device {} cannot read its control channel setting ({}): {}; the channel stays as it is",
          device,
          e.failure(),
          e.getMessage());
    } catch (RuntimeException e) {
      log.warn(
          "Device {} cannot read its control channel setting: {}; the channel stays as it is",
          device,
          e.toString());
    }
  }

  private void pollAndUpdate() throws InterruptedException {
    long started = System.nanoTime();
    Optional<TargetState> polled = parts.api().targetState(etag);
    Duration latency = Duration.ofNanos(System.nanoTime() - started);
    settings.events.polled(device, latency, polled.isPresent());
    if (polled.isEmpty()) {
      return;
    }

    TargetState target = polled.get();
    if (target.releaseId() == null) {
      log.info("Device {} has no target release; it keeps what it runs", device);
      etag = target.etag();
      return;
    }
    if (runsAlready(target)) {
      etag = target.etag();
      return;
    }
    if (backoff.holds(target, settings.clock.instant())) {
      log.debug(
          "Device {} tries release {} again at {}, after its last failure",
          device,
          target.releaseId(),
          backoff.retryAt());
      return;
    }
    update(target);
    backoff.reset();
    etag = target.etag();
  }

  /** Returns true when the current release matches the target in every service. */
  private boolean runsAlready(TargetState target) {
    Optional<InstalledRelease> current = status.current();
    if (current.isEmpty() || current.get().releaseId() != target.releaseId()) {
      return false;
    }
    Map<String, InstalledService> installed = current.get().services();
    if (!installed.keySet().equals(target.services().keySet())) {
      return false;
    }
    return target.services().values().stream()
        .allMatch(service -> sameService(installed.get(service.name()), service));
  }

  private static boolean sameService(InstalledService installed, TargetService target) {
    return installed.image().equals(target.image())
        && installed.environment().equals(target.environment())
        && installed.labels().equals(target.labels())
        && installed.configuration().equals(target.configuration());
  }

  private void update(TargetState target) throws InterruptedException {
    if (target.releaseId() == lockedRelease) {
      log.debug(
          "Device {} prepares release {} ({}) again, held back by update locks",
          device,
          target.releaseId(),
          target.releaseVersion());
    } else {
      log.info(
          "Device {} moves to release {} ({})",
          device,
          target.releaseId(),
          target.releaseVersion());
    }
    Set<String> stopped = Set.of();
    Updater.Prepared prepared;
    try {
      // The server offers a delta only from an image the device reports running.
      reporter.flush();
      stopped = stopKillThenDownload(target);
      prepared = parts.updater().prepare(target, status);
    } catch (RuntimeException | LinkageError | InterruptedException e) {
      status.failed(target.services().keySet(), updateFailure(target, e));
      restartStopped(stopped);
      holdBack(target, e);
      throw e;
    }

    Set<String> lockedServices = heldLocks();
    if (!lockedServices.isEmpty()) {
      restartStopped(stopped);
      String message =
          "Release "
              + target.releaseId()
              + " is ready but services "
              + lockedServices
              + " hold update locks";
      status.failed(lockedServices, message);
      logLockWait(target.releaseId(), message);
      throw new AgentException(AgentFailure.LOCKED, message);
    }
    lockedRelease = NO_RELEASE;
    try {
      switchTo(prepared);
    } catch (AgentException e) {
      status.failed(target.services().keySet(), updateFailure(target, e));
      restartStopped(stopped);
      holdBack(target, e);
      throw e;
    }
  }

  /** Spaces out new attempts at {@code target} when its failure would repeat at once. */
  private void holdBack(TargetState target, Throwable e) {
    if (!(e instanceof AgentException failure)) {
      return;
    }
    backoff
        .failed(target, failure.failure(), settings.clock.instant())
        .ifPresent(
            retryAt ->
                log.warn(
                    "Device {} tries release {} again at {} at the earliest, unless its target"
                        + " changes ({})",
                    device,
                    target.releaseId(),
                    retryAt,
                    failure.failure()));
  }

  private Set<String> stopKillThenDownload(TargetState target) {
    Optional<InstalledRelease> current = status.current();
    if (current.isEmpty()) {
      return Set.of();
    }
    Set<String> stop = UpdatePlan.killThenDownload(current.get(), target);
    if (stop.isEmpty() || !heldLocks().isEmpty()) {
      return Set.of();
    }
    log.info("Device {} stops {} before downloading (kill-then-download)", device, stop);
    parts.runner().stop(stop);
    return stop;
  }

  private Set<String> heldLocks() {
    return status
        .current()
        .map(current -> parts.runner().heldLocks(current.services().keySet()))
        .orElse(Set.of());
  }

  /** Starts services stopped for a download that did not end in a switch. */
  private void restartStopped(Set<String> stopped) {
    if (stopped.isEmpty()) {
      return;
    }
    try {
      reconcile(status.current().orElseThrow());
    } catch (AgentException e) {
      log.error(
          "Device {} cannot restart {} after a failed update ({}): {}",
          device,
          stopped,
          e.failure(),
          e.getMessage());
    } catch (RuntimeException e) {
      // The caller reports the update's own failure, and the next round repairs the engine.
      log.error("Device {} cannot restart {} after a failed update", device, stopped, e);
    }
  }

  private void switchTo(Updater.Prepared prepared) {
    InstalledRelease release = prepared.release();
    Optional<InstalledRelease> previous = status.current();
    parts.runner().load(release, parts.store().layout());
    // Refused before the commit, so that the old release keeps running.
    parts.runner().check(release);
    PausePoints.reach(PausePoints.SWITCH_BEFORE_COMMIT);
    parts.store().commit(release);
    status.installed(release, prepared.methods(), prepared.fallbacks());
    log.info(
        "Device {} switched to release {} ({}) by {}",
        device,
        release.releaseId(),
        release.version(),
        prepared.methods());
    PausePoints.reach(PausePoints.SWITCH_AFTER_COMMIT);

    try {
      reconcile(release);
    } catch (RuntimeException e) {
      rollBack(release, previous, e);
    }
    parts.store().collectGarbage(Optional.empty());
    settings.events.switched(device, release);
    reporter.nudge();
  }

  /**
   * Goes back to {@code previous} when the engine cannot start {@code failed} after its commit. The
   * previous release's images are still in the store and the engine, because garbage is collected
   * only after the new release runs.
   *
   * <p>NOTE: the previous release is known only in memory. A kill between the commit and the
   * rollback leaves the failing release committed, and the agent then repairs it each round until
   * the server names another release.
   *
   * @throws AgentException always, {@code ENGINE_FAILED} naming both releases
   */
  private void rollBack(
      InstalledRelease failed, Optional<InstalledRelease> previous, RuntimeException cause) {
    String reason =
        cause instanceof AgentException failure ? failure.getMessage() : cause.toString();
    String message = "Release " + failed.releaseId() + " cannot run: " + reason;
    if (previous.isEmpty()) {
      // Nothing to go back to: the device keeps the new release and repairs it each round.
      engineInLine = false;
      throw new AgentException(AgentFailure.ENGINE_FAILED, message, cause);
    }

    InstalledRelease old = previous.get();
    log.warn(
        "Device {} cannot run release {} ({}); going back to release {}",
        device,
        failed.releaseId(),
        reason,
        old.releaseId());
    parts.store().commit(old);
    status.installed(old, Map.of(), Map.of());
    repairEngine(old);
    throw new AgentException(
        AgentFailure.ENGINE_FAILED, message + "; went back to release " + old.releaseId(), cause);
  }

  private void reconcile(InstalledRelease release) {
    engineInLine = false;
    parts.runner().reconcile(release);
    engineInLine = true;
  }

  /**
   * Logs that the device waits for update locks: at INFO the first time for {@code releaseId}, then
   * at DEBUG, so that a lock held for hours does not fill the log at every poll.
   */
  private void logLockWait(long releaseId, String message) {
    if (releaseId == lockedRelease) {
      log.debug("Device {} still waits for update locks: {}", device, message);
      return;
    }
    lockedRelease = releaseId;
    log.info(
        "Device {} waits for update locks: {}; it checks again at each poll and logs the wait at"
            + " DEBUG until then",
        device,
        message);
  }

  private Duration failedRound(AgentException e) {
    notifyFailed(e);
    reporter.nudge();
    if (e.failure() == AgentFailure.LOCKED) {
      // Logged where the locks were found, once per release.
      return timing.afterSuccess();
    }
    Duration wait = timing.afterFailure();
    log.warn(
        "Round of device {} failed ({}): {}; next poll in {}",
        device,
        e.failure(),
        e.getMessage(),
        wait);
    return wait;
  }

  private Duration unexpectedRound(Throwable e) {
    Duration wait = timing.afterFailure();
    log.error("Round of device {} failed unexpectedly; next poll in {}", device, wait, e);
    notifyFailed(e);
    reporter.nudge();
    return wait;
  }

  /** Passes a failed round to the events, which must not end the loop either. */
  private void notifyFailed(Throwable e) {
    try {
      settings.events.failed(device, e);
    } catch (RuntimeException listenerFailure) {
      log.error("Event listener of device {} failed on a failed round", device, listenerFailure);
    }
  }

  private static String updateFailure(TargetState target, Throwable e) {
    String reason;
    if (e instanceof AgentException failure) {
      reason = failure.failure() + ": " + failure.getMessage();
    } else if (e instanceof InterruptedException) {
      reason = "interrupted";
    } else {
      reason = e.toString();
    }
    return "Update to release " + target.releaseId() + " failed: " + reason;
  }

  private void await(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (wakeUp) {
      while (!pollRequested && !closed) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(wakeUp, remaining);
      }
      pollRequested = false;
    }
  }

  private static Thread reporterThread(Runnable task) {
    Thread thread = new Thread(task, "slipway-reporter");
    thread.setDaemon(true);
    return thread;
  }

  private void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("Cannot close {} of device {}: {}", closeable, device, e.getMessage());
    }
  }

  /** Settings of an {@link AgentLoop}. Not thread-safe. */
  public static final class Builder {

    private Path dataDirectory;
    private Provisioning provisioning;
    private AgentParts.Factory parts;
    private Function<Duration, PollSchedule> timing = PollSchedule::of;
    private Duration pollInterval;
    private Duration reportInterval = Duration.ofSeconds(10);
    private String osVersion;
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private boolean forwardLogs = true;
    private LogForwarder.Limits logLimits = LogForwarder.Limits.DEFAULT;
    private LoopEvents events = LoopEvents.NONE;
    private ControlChannelFactory control;

    private Builder() {}

    /** Sets the data directory, which the agent locks and other parts keep their files in. */
    public Builder dataDirectory(Path directory) {
      this.dataDirectory = directory;
      return this;
    }

    public Builder provisioning(Provisioning provisioning) {
      this.provisioning = provisioning;
      return this;
    }

    /** Makes the parts once the device is registered. */
    public Builder parts(AgentParts.Factory parts) {
      this.parts = parts;
      return this;
    }

    /**
     * Makes the poll schedule (jitter, backoff) for the poll interval; {@link PollSchedule#of} by
     * default.
     */
    public Builder timing(Function<Duration, PollSchedule> timing) {
      this.timing = timing;
      return this;
    }

    /** Overrides config.json's poll interval; null keeps it. */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = interval;
      return this;
    }

    /** Sets the minimum time between two state reports, 10 seconds by default. */
    public Builder reportInterval(Duration interval) {
      this.reportInterval = interval;
      return this;
    }

    /** The OS version reports carry, or null when unknown. */
    public Builder osVersion(String osVersion) {
      this.osVersion = osVersion;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Sets a scheduler for state reports that several agents share and that close leaves running.
     * By default each agent has its own thread, which close stops.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** Sets whether container logs go to the server, true by default. */
    public Builder forwardLogs(boolean forward) {
      this.forwardLogs = forward;
      return this;
    }

    public Builder logLimits(LogForwarder.Limits limits) {
      this.logLimits = limits;
      return this;
    }

    public Builder events(LoopEvents events) {
      this.events = events;
      return this;
    }

    /**
     * Sets what makes the device's control channel once it is registered; null, the default, leaves
     * the device without a channel, and it then never requests the channel's setting.
     */
    public Builder controlChannel(ControlChannelFactory control) {
      this.control = control;
      return this;
    }

    /**
     * @throws NullPointerException naming the first required setting that is missing
     */
    public AgentLoop build() {
      Objects.requireNonNull(dataDirectory, "dataDirectory");
      Objects.requireNonNull(provisioning, "provisioning");
      Objects.requireNonNull(parts, "parts");
      Objects.requireNonNull(timing, "timing");
      Objects.requireNonNull(reportInterval, "reportInterval");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(logLimits, "logLimits");
      Objects.requireNonNull(events, "events");
      return new AgentLoop(this);
    }
  }
}
