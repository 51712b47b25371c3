package io.slipway.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.ServiceState;
import io.slipway.agent.client.StateReport;
import io.slipway.agent.client.ThrowingDeviceApi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reporter's change-only sending and rate limit, with a clock moved by hand and ticks called
 * directly. The device API is a recording stand-in because the server cannot run in this module.
 */
class StateReporterTest {

  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final RecordingApi api = new RecordingApi();
  private final AtomicReference<StateReport> state = new AtomicReference<>(report("running", 0));
  private final StateReporter reporter =
      new StateReporter("dev1", api, state::get, INTERVAL, clock, scheduler);

  @AfterEach
  void stop() {
    reporter.close();
    scheduler.shutdownNow();
  }

  private static StateReport report(String status, long downloaded) {
    ServiceState web =
        new ServiceState(status, null, downloaded == 0 ? null : downloaded, null, null, null);
    return new StateReport(1L, Map.of("web", web), "os 1");
  }

  @Test
  void firstSnapshotIsSent() {
    reporter.tick();

    assertThat(api.sent).containsExactly(report("running", 0));
  }

  @Test
  void unchangedStateIsNotSentAgain() {
    reporter.tick();
    clock.advance(INTERVAL.multipliedBy(3));

    reporter.tick();

    assertThat(api.sent).hasSize(1);
  }

  @Test
  void changeWithinTheIntervalWaits() {
    reporter.tick();
    clock.advance(INTERVAL.minusSeconds(1));
    state.set(report("downloading", 5));

    reporter.tick();

    assertThat(api.sent).hasSize(1);
  }

  @Test
  void changeAfterTheIntervalIsSent() {
    reporter.tick();
    state.set(report("downloading", 5));
    reporter.tick();
    clock.advance(INTERVAL);

    reporter.tick();

    assertThat(api.sent).containsExactly(report("running", 0), report("downloading", 5));
  }

  @Test
  void changesInIntervalSendOnlyLast() {
    reporter.tick();
    for (int second = 1; second < 10; second++) {
      clock.advance(Duration.ofSeconds(1));
      state.set(report("downloading", second));
      reporter.tick();
    }
    clock.advance(Duration.ofSeconds(1));

    reporter.tick();

    assertThat(api.sent).containsExactly(report("running", 0), report("downloading", 9));
  }

  @Test
  void failedSendIsRetriedAfterTheInterval() {
    api.failure = new AgentException(AgentFailure.SERVER_UNAVAILABLE, "connection refused");
    reporter.tick();
    api.failure = null;
    reporter.tick();
    clock.advance(INTERVAL);

    reporter.tick();

    assertThat(api.sent).containsExactly(report("running", 0));
  }

  @Test
  void flushSendsAChangeWithinTheInterval() {
    reporter.tick();
    state.set(report("exited", 0));

    boolean current = reporter.flush();

    assertThat(current).isTrue();
    assertThat(api.sent).containsExactly(report("running", 0), report("exited", 0));
  }

  @Test
  void flushOfUnchangedStateSendsNothing() {
    reporter.tick();

    reporter.flush();

    assertThat(api.sent).hasSize(1);
  }

  @Test
  void lastSentIsTheAcceptedReport() {
    reporter.tick();

    assertThat(reporter.lastSent()).contains(report("running", 0));
  }

  /** Records the reports it accepts; fails while {@code failure} is set. */
  private static final class RecordingApi extends ThrowingDeviceApi {

    final List<StateReport> sent = new CopyOnWriteArrayList<>();
    volatile AgentException failure;

    @Override
    public void reportState(StateReport report) {
      if (failure != null) {
        throw failure;
      }
      sent.add(report);
    }
  }
}
