package io.slipway.agent.run;

import static io.slipway.agent.run.StandInParts.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.PollSchedule;
import io.slipway.agent.client.ServiceState;
import io.slipway.agent.client.StateReport;
import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.control.ControlChannel;
import io.slipway.agent.report.MutableClock;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.delta.image.Digest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop with the real store and stand-ins for the server's API, the updater and the engine (see
 * {@link StandInParts} for why), driven round by round.
 */
class AgentLoopTest {

  private static final String UUID = "0123456789abcdef0123456789abcdef";
  private static final String KILL_THEN_DOWNLOAD = "kill-then-download";

  @TempDir Path data;

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final MutableClock clock = new MutableClock();
  private PollSchedule schedule;
  private StandInDeviceApi api;
  private StandInParts parts;
  private AgentLoop loop;

  @BeforeEach
  void setUp() {
    api = new StandInDeviceApi(events);
    parts = new StandInParts(data, events);
    loop = newLoop(Duration.ofMillis(1));
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  private AgentLoop newLoop(Duration pollInterval) {
    return AgentLoop.builder()
        .dataDirectory(data)
        .provisioning(() -> config())
        .parts(config -> new AgentParts(api, parts.store, parts.updater, parts.runner))
        .timing(
            interval -> {
              schedule = new PollSchedule(interval, interval, interval, new Random(1));
              return schedule;
            })
        .pollInterval(pollInterval)
        .reportInterval(Duration.ofHours(1))
        .osVersion("slipway-os 1.0")
        .clock(clock)
        .build();
  }

  /** Returns a loop like {@link #newLoop} whose device has a control channel. */
  private AgentLoop loopWithChannel() {
    return AgentLoop.builder()
        .dataDirectory(data)
        .provisioning(() -> config())
        .parts(config -> new AgentParts(api, parts.store, parts.updater, parts.runner))
        .pollInterval(Duration.ofMillis(1))
        .reportInterval(Duration.ofHours(1))
        .clock(clock)
        .controlChannel(
            (config, runner, agent) ->
                ControlChannel.builder()
                    .device(config.uuid())
                    .deviceKey(config.deviceApiKey())
                    .agentVersion("test")
                    .build())
        .build();
  }

  private static AgentConfig config() {
    URI server = URI.create("http://127.0.0.1:1");
    return new AgentConfig(
        1,
        "acme/fleet",
        "generic-amd64",
        null,
        UUID,
        "sld_key",
        server,
        server,
        server,
        null,
        Duration.ofSeconds(600),
        List.of());
  }

  @Test
  void channelSettingIsReadEachRound() throws Exception {
    loop.close();
    loop = loopWithChannel();

    loop.start();
    loop.round();
    loop.round();

    assertThat(events.stream().filter("control-channel"::equals)).hasSize(3);
  }

  @Test
  void failedChannelSettingKeepsPolling() throws Exception {
    loop.close();
    loop = loopWithChannel();
    api.controlChannelFailure =
        new AgentException(AgentFailure.SERVER_UNAVAILABLE, "GET control-channel failed");
    api.target.set(target("e1", 1, "web"));

    loop.start();
    loop.round();

    assertThat(events).contains("control-channel", "poll");
    assertThat(currentRelease()).isEqualTo(1);
  }

  @Test
  void deviceWithoutChannelNeverReadsSetting() throws Exception {
    loop.start();
    loop.round();

    assertThat(events).doesNotContain("control-channel");
  }

  @Test
  void firstTargetIsPreparedCommittedAndRun() throws Exception {
    api.target.set(target("e1", 1, "web"));
    loop.start();

    loop.round();

    assertThat(currentRelease()).isEqualTo(1);
    assertThat(parts.runner.running).containsEntry("web", "running");
  }

  @Test
  void switchLoadsBeforeCommitAndRunsAfter() throws Exception {
    api.target.set(target("e1", 1, "web"));
    loop.start();
    events.clear();

    loop.round();

    assertThat(events).containsSubsequence("prepare 1", "load 1", "commit 1", "reconcile 1", "gc");
  }

  @Test
  void reportBeforeUpdateNamesTheRunningImage() throws Exception {
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(events).containsSubsequence("report", "prepare 2");
    ServiceState web = api.reports.get(0).services().get("web");
    assertThat(web.image()).isEqualTo(StandInParts.digest("web1").value());
  }

  @Test
  void unchangedTargetIsPreparedOnce() throws Exception {
    api.target.set(target("e1", 1, "web"));
    loop.start();

    loop.round();
    loop.round();

    assertThat(events.stream().filter(event -> event.startsWith("prepare"))).hasSize(1);
    assertThat(api.polledWithEtag).last().isEqualTo("e1");
  }

  @Test
  void sameReleaseAtStartIsNotPreparedAgain() throws Exception {
    startOnReleaseOne(target("e1", 1, "web"));

    loop.round();

    assertThat(events).noneMatch(event -> event.startsWith("prepare"));
  }

  @Test
  void changedEnvironmentOfSameReleaseIsApplied() throws Exception {
    parts.install(target("e1", 1, "web"));
    TargetState first = target("e2", 1, "web");
    TargetService web = first.services().get("web");
    TargetService changed =
        new TargetService("web", web.image(), Map.of("A", "2"), web.labels(), web.configuration());
    api.target.set(new TargetState("e2", 1L, "v1", Map.of("web", changed), Map.of()));
    loop.start();

    loop.round();

    assertThat(parts.store.current().orElseThrow().services().get("web").environment())
        .containsEntry("A", "2");
  }

  @Test
  void startRepairsTheEngineForTheInstalledRelease() throws Exception {
    parts.install(target("e1", 1, "web"));

    loop.start();

    assertThat(events).containsSubsequence("load 1", "reconcile 1");
  }

  @Test
  void failedReconcileAtStartIsRetriedNextRound() throws Exception {
    parts.install(target("e1", 1, "web"));
    parts.runner.reconcileFailure = new AgentException(AgentFailure.ENGINE_FAILED, "engine down");
    loop.start();
    parts.runner.reconcileFailure = null;

    loop.round();

    assertThat(parts.runner.running).containsEntry("web", "running");
  }

  @Test
  void releaseFailingTheCheckIsNotCommitted() throws Exception {
    parts.runner.checkFailure = bindFailure();
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(currentRelease()).isEqualTo(1);
    assertThat(events).doesNotContain("commit 2");
  }

  @Test
  void releaseFailingTheCheckIsReported() throws Exception {
    parts.runner.checkFailure = bindFailure();
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(webMessage())
        .isEqualTo("Update to release 2 failed: ENGINE_FAILED: Service web binds /etc");
  }

  @Test
  void killThenDownloadServiceRestartsWhenCheckFails() throws Exception {
    parts.runner.checkFailure = bindFailure();
    startOnReleaseOne(withLabel(target("e2", 2, "web"), "web", KILL_THEN_DOWNLOAD));

    loop.round();

    assertThat(parts.runner.running).containsEntry("web", "running");
  }

  @Test
  void releaseThatCannotStartIsRolledBack() throws Exception {
    parts.runner.failingReleases.add(2L);
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(currentRelease()).isEqualTo(1);
    assertThat(parts.runner.running).containsEntry("web", "running");
    assertThat(events).containsSubsequence("commit 2", "reconcile 2", "commit 1", "reconcile 1");
  }

  @Test
  void rolledBackReleaseIsReported() throws Exception {
    parts.runner.failingReleases.add(2L);
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    StateReport report = loop.status().snapshot(parts.runner.status());
    assertThat(report.releaseId()).isEqualTo(1);
    assertThat(report.services().get("web").message())
        .contains("No command specified")
        .contains("went back to release 1");
  }

  @Test
  void failingCurrentReleaseDoesNotStopPolling() throws Exception {
    parts.install(target("e1", 1, "web"));
    parts.runner.failingReleases.add(1L);
    loop.start();
    api.target.set(target("e2", 2, "web"));

    loop.round();

    assertThat(currentRelease()).isEqualTo(2);
    assertThat(parts.runner.running).containsEntry("web", "running");
  }

  @Test
  void failingCurrentReleaseIsReported() throws Exception {
    parts.install(target("e1", 1, "web"));
    parts.runner.failingReleases.add(1L);
    loop.start();

    StateReport report = loop.status().snapshot(parts.runner.status());

    assertThat(report.services().get("web").status()).isEqualTo("installing");
    assertThat(report.services().get("web").message())
        .isEqualTo("ENGINE_FAILED: No command specified");
  }

  @Test
  void startKeepsImagesOfAnUncommittedRelease() throws Exception {
    parts.install(target("e1", 1, "web"));
    InstalledRelease prepared = parts.installed(target("e2", 2, "web"));
    Digest manifest = prepared.services().get("web").manifest();

    loop.start();

    assertThat(parts.store.layout().contains(manifest)).isTrue();
  }

  @Test
  void verificationFailureIsNotRetriedAtOnce() throws Exception {
    failVerificationOfReleaseTwoOnce();

    loop.round();

    assertThat(events.stream().filter(event -> event.equals("prepare 2"))).hasSize(1);
    assertThat(currentRelease()).isEqualTo(1);
  }

  @Test
  void verificationFailureIsRetriedAfterTheBackoff() throws Exception {
    failVerificationOfReleaseTwoOnce();
    clock.advance(Duration.ofMinutes(11));

    loop.round();

    assertThat(currentRelease()).isEqualTo(2);
  }

  @Test
  void changedTargetSkipsTheBackoff() throws Exception {
    failVerificationOfReleaseTwoOnce();
    api.target.set(target("e3", 3, "web"));

    loop.round();

    assertThat(currentRelease()).isEqualTo(3);
  }

  @Test
  void failedPrepareKeepsTheCurrentRelease() throws Exception {
    parts.updater.failure =
        new AgentException(AgentFailure.VERIFICATION_FAILED, "release 2 is unsigned");
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(currentRelease()).isEqualTo(1);
    assertThat(schedule.failures()).isEqualTo(1);
  }

  @Test
  void failedPrepareIsRetriedWithTheSameTarget() throws Exception {
    parts.updater.failure = new AgentException(AgentFailure.DOWNLOAD_FAILED, "cut");
    api.target.set(target("e2", 2, "web"));
    loop.start();
    loop.round();
    parts.updater.failure = null;
    clock.advance(Duration.ofMinutes(1));

    loop.round();

    assertThat(api.polledWithEtag).containsExactly("null", "null");
    assertThat(currentRelease()).isEqualTo(2);
  }

  @Test
  void failedPrepareIsReportedPerService() throws Exception {
    parts.updater.failure =
        new AgentException(AgentFailure.VERIFICATION_FAILED, "release 2 is unsigned");
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(webMessage())
        .isEqualTo("Update to release 2 failed: VERIFICATION_FAILED: release 2 is unsigned");
  }

  @Test
  void unexpectedExceptionIsRetried() throws Exception {
    // Stands in for a bug in the updater. No real part throws this on its own.
    parts.updater.failure = new IllegalStateException("stand-in bug");
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(currentRelease()).isEqualTo(1);
    assertThat(schedule.failures()).isEqualTo(1);
    parts.updater.failure = null;
    loop.round();
    assertThat(currentRelease()).isEqualTo(2);
  }

  @Test
  void unexpectedExceptionIsReportedPerService() throws Exception {
    parts.updater.failure = new IllegalStateException("stand-in bug");
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(webMessage())
        .isEqualTo("Update to release 2 failed: java.lang.IllegalStateException: stand-in bug");
  }

  @Test
  void linkageErrorIsRetried() throws Exception {
    // Stands in for a library whose native part does not load on the device.
    parts.updater.failure = new UnsatisfiedLinkError("stand-in: no native library");
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(schedule.failures()).isEqualTo(1);
    parts.updater.failure = null;
    loop.round();
    assertThat(currentRelease()).isEqualTo(2);
  }

  @Test
  void engineBugAtStartIsRetried() throws Exception {
    parts.install(target("e1", 1, "web"));
    // Stands in for an engine client that fails outside its documented exceptions.
    parts.runner.reconcileFailure = new IllegalStateException("stand-in engine bug");
    loop.start();
    parts.runner.reconcileFailure = null;

    loop.round();

    assertThat(parts.runner.running).containsEntry("web", "running");
  }

  @Test
  void failedRestartKeepsUpdateFailure() throws Exception {
    parts.updater.failure = new AgentException(AgentFailure.DOWNLOAD_FAILED, "cut");
    startOnReleaseOne(withLabel(target("e2", 2, "web"), "web", KILL_THEN_DOWNLOAD));
    parts.runner.reconcileFailure = new IllegalStateException("stand-in engine bug");

    loop.round();

    assertThat(webMessage()).isEqualTo("Update to release 2 failed: DOWNLOAD_FAILED: cut");
    parts.runner.reconcileFailure = null;
    parts.updater.failure = null;
    loop.round();
    assertThat(parts.runner.running).containsEntry("web", "running");
  }

  @Test
  void runningLoopOutlivesUnexpectedException() throws Exception {
    parts.install(target("e1", 1, "web"));
    parts.updater.failure = new IllegalStateException("stand-in bug");
    api.target.set(target("e2", 2, "web"));
    Thread runner = new Thread(this::runQuietly);
    runner.start();
    awaitPolls(2);

    parts.updater.failure = null;

    awaitRelease(2);
    assertThat(runner.isAlive()).isTrue();
    loop.close();
    runner.join(TimeUnit.SECONDS.toMillis(10));
  }

  @Test
  void heldLockKeepsTheCurrentRelease() throws Exception {
    parts.runner.locked.add("web");
    startOnReleaseOne(target("e2", 2, "web"));

    loop.round();

    assertThat(currentRelease()).isEqualTo(1);
    assertThat(events).contains("prepare 2");
    assertThat(schedule.failures()).isZero();
  }

  @Test
  void releasedLockLetsTheSwitchHappen() throws Exception {
    parts.runner.locked.add("web");
    startOnReleaseOne(target("e2", 2, "web"));
    loop.round();
    parts.runner.locked.clear();

    loop.round();

    assertThat(currentRelease()).isEqualTo(2);
  }

  @Test
  void killThenDownloadStopsTheServiceBeforePreparing() throws Exception {
    parts.install(target("e1", 1, "web", "db"));
    api.target.set(withLabel(target("e2", 2, "web", "db"), "web", KILL_THEN_DOWNLOAD));
    loop.start();
    events.clear();

    loop.round();

    assertThat(events).containsSubsequence("stop [web]", "prepare 2");
  }

  @Test
  void killThenDownloadServiceRestartsWhenPrepareFails() throws Exception {
    parts.updater.failure = new AgentException(AgentFailure.DOWNLOAD_FAILED, "cut");
    startOnReleaseOne(withLabel(target("e2", 2, "web"), "web", KILL_THEN_DOWNLOAD));
    events.clear();

    loop.round();

    assertThat(events).containsSubsequence("stop [web]", "prepare 2", "reconcile 1");
    assertThat(parts.runner.running).containsEntry("web", "running");
  }

  @Test
  void lockedServiceIsNotStopped() throws Exception {
    parts.runner.locked.add("web");
    startOnReleaseOne(withLabel(target("e2", 2, "web"), "web", KILL_THEN_DOWNLOAD));

    loop.round();

    assertThat(events).noneMatch(event -> event.startsWith("stop"));
  }

  @Test
  void unknownStrategyLabelCountsAsTheDefault() throws Exception {
    startOnReleaseOne(withLabel(target("e2", 2, "web"), "web", "hand-over"));

    loop.round();

    assertThat(events).noneMatch(event -> event.startsWith("stop"));
    assertThat(currentRelease()).isEqualTo(2);
  }

  @Test
  void targetWithoutReleaseKeepsWhatRuns() throws Exception {
    startOnReleaseOne(new TargetState("e0", null, null, Map.of(), Map.of()));

    loop.round();

    assertThat(currentRelease()).isEqualTo(1);
    assertThat(events).noneMatch(event -> event.startsWith("prepare"));
  }

  @Test
  void secondAgentOnTheSameDirectoryIsRejected() throws Exception {
    loop.start();
    AgentLoop second = newLoop(Duration.ofMillis(1));

    assertThatThrownBy(second::start)
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> assertThat(e.failure()).isEqualTo(AgentFailure.ALREADY_RUNNING));
  }

  @Test
  void closedAgentReleasesTheDataDirectory() throws Exception {
    loop.start();
    loop.close();
    AgentLoop second = newLoop(Duration.ofMillis(1));

    second.start();

    second.close();
  }

  @Test
  void closedLoopPollsNoMore() throws Exception {
    loop.start();
    int polls = api.polledWithEtag.size();
    loop.close();

    loop.round();

    assertThat(api.polledWithEtag).hasSize(polls);
  }

  @Test
  void targetChangedWakesAWaitingLoop() throws Exception {
    loop = newLoop(Duration.ofHours(1));
    Thread runner = new Thread(this::runQuietly);
    runner.start();
    awaitPolls(1);

    loop.targetChanged();

    awaitPolls(2);
    loop.close();
    runner.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(runner.isAlive()).isFalse();
  }

  /** Makes release 1 of "web" current, offers {@code target} to the loop and starts it. */
  private void startOnReleaseOne(TargetState target) throws Exception {
    parts.install(target("e1", 1, "web"));
    api.target.set(target);
    loop.start();
  }

  /**
   * Starts a loop polling every 10 minutes on release 1 and runs one round in which release 2 fails
   * verification, so that the next round meets the backoff.
   */
  private void failVerificationOfReleaseTwoOnce() throws Exception {
    loop = newLoop(Duration.ofMinutes(10));
    parts.updater.failure =
        new AgentException(AgentFailure.VERIFICATION_FAILED, "blob digest mismatch");
    startOnReleaseOne(target("e2", 2, "web"));
    loop.round();
    parts.updater.failure = null;
  }

  /** Returns the message that the next state report carries for "web". */
  private String webMessage() {
    return loop.status().snapshot(parts.runner.status()).services().get("web").message();
  }

  private void runQuietly() {
    try {
      loop.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitPolls(int polls) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (api.polledWithEtag.size() < polls && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(api.polledWithEtag).hasSizeGreaterThanOrEqualTo(polls);
  }

  private void awaitRelease(long releaseId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (parts.store.current().map(release -> release.releaseId() != releaseId).orElse(true)
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(currentRelease()).isEqualTo(releaseId);
  }

  private static AgentException bindFailure() {
    return new AgentException(AgentFailure.ENGINE_FAILED, "Service web binds /etc");
  }

  private long currentRelease() {
    return parts.store.current().orElseThrow().releaseId();
  }

  private static TargetState withLabel(TargetState state, String service, String strategy) {
    TargetService old = state.services().get(service);
    TargetService labelled =
        new TargetService(
            service,
            old.image(),
            old.environment(),
            Map.of("io.slipway.update.strategy", strategy),
            old.configuration());
    Map<String, TargetService> services = new java.util.HashMap<>(state.services());
    services.put(service, labelled);
    return new TargetState(
        state.etag(), state.releaseId(), state.releaseVersion(), services, state.config());
  }
}
