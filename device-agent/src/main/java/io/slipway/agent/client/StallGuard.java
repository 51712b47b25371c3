package io.slipway.agent.client;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response body that has sent nothing for a while. {@link java.net.http.HttpClient}'s
 * request timeout ends when the headers arrive, and its body stream has no read timeout, so a link
 * that goes silent mid-body would block a download forever. One shared daemon thread checks every
 * watched stream once per second.
 *
 * <p>Thread-safe: the reading thread calls {@link #touch()}, the checking thread closes.
 */
final class StallGuard implements Closeable {

  private static final ScheduledExecutorService CHECKER =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "slipway-download-stall-guard");
            thread.setDaemon(true);
            return thread;
          });

  private final Closeable stream;
  private final long timeoutNanos;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean stalled;
  private volatile ScheduledFuture<?> check;

  private StallGuard(Closeable stream, Duration timeout) {
    this.stream = stream;
    this.timeoutNanos = timeout.toNanos();
  }

  /** Starts watching {@code stream}; it is closed once {@code timeout} passes without a touch. */
  static StallGuard watch(Closeable stream, Duration timeout) {
    StallGuard guard = new StallGuard(stream, timeout);
    long period = Math.min(1000, Math.max(10, timeout.toMillis() / 4));
    guard.check = CHECKER.scheduleAtFixedRate(guard::check, period, period, TimeUnit.MILLISECONDS);
    return guard;
  }

  /** Records that bytes arrived. */
  void touch() {
    lastProgress = System.nanoTime();
  }

  /** Returns true when the guard closed the stream because it went silent. */
  boolean stalled() {
    return stalled;
  }

  /** Stops watching; the stream itself stays as it is. */
  @Override
  public void close() {
    cancel();
  }

  private void check() {
    if (stalled || System.nanoTime() - lastProgress < timeoutNanos) {
      return;
    }
    stalled = true;
    try {
      stream.close();
    } catch (IOException e) {
      // The stream is being abandoned; the reader sees the close either way.
    }
    cancel();
  }

  private void cancel() {
    ScheduledFuture<?> scheduled = check;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
  }
}
