package io.slipway.builder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.platform.Platform;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A release sink that records every call, for tests. Safe for concurrent use. */
final class RecordingSink implements ReleaseSink {

  /** One log line with its service and platform (either may be null). */
  record Line(long releaseId, String service, Platform platform, String text) {}

  /** A finished release: services when it succeeded, else the reason. */
  record Outcome(long releaseId, List<BuiltService> services, String reason) {

    boolean succeeded() {
      return services != null;
    }
  }

  final List<Line> lines = new CopyOnWriteArrayList<>();
  final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Outcome> pending = new LinkedBlockingQueue<>();

  @Override
  public void log(long releaseId, String service, Platform platform, String line) {
    lines.add(new Line(releaseId, service, platform, line));
  }

  @Override
  public void succeeded(long releaseId, List<BuiltService> services) {
    finish(new Outcome(releaseId, List.copyOf(services), null));
  }

  @Override
  public void failed(long releaseId, String reason) {
    finish(new Outcome(releaseId, null, reason));
  }

  /** Waits for the next outcome, failing the test after {@code timeout}. */
  Outcome awaitOutcome(Duration timeout) throws InterruptedException {
    Outcome outcome = pending.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(outcome).as("release outcome within " + timeout).isNotNull();
    return outcome;
  }

  private void finish(Outcome outcome) {
    outcomes.add(outcome);
    pending.add(outcome);
  }
}
