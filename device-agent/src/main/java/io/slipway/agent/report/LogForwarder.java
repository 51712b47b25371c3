package io.slipway.agent.report;

import io.slipway.agent.AgentException;
import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.client.LogLine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards container log lines to the server in batches, with bounded memory. Lines wait in a queue
 * limited in lines and bytes. One sender thread takes batches of at most 1,000 lines and about 1
 * MiB (the server's limits) and sends them. When the queue is full, {@link #accept} blocks the
 * reader for a short while and then drops lines and counts them. Once the server takes lines again,
 * the next batch starts with one line that reports how many were dropped. A batch the server did
 * not take is retried with capped exponential backoff.
 *
 * <p>Memory: the queue contains at most {@link Limits#queuedBytes()} of estimated JSON, and one
 * batch being sent at most {@link Limits#batchBytes()} more.
 *
 * <p>Thread-safe: any number of readers may call {@link #accept}.
 */
public final class LogForwarder implements Consumer<LogLine>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LogForwarder.class);

  /** The server rejects longer messages, and with them the whole batch. */
  static final int MAX_MESSAGE_CHARS = 10_000;

  /** JSON field names, quotes and the timestamp of one line, an upper bound in bytes. */
  private static final int LINE_OVERHEAD_BYTES = 128;

  /**
   * The queue and batch limits.
   *
   * @param queuedLines maximum number of lines in the queue
   * @param queuedBytes maximum estimated JSON bytes in the queue
   * @param batchLines lines per request at most
   * @param batchBytes estimated JSON bytes per request at most
   * @param blockFor how long a reader waits for room before lines are dropped
   * @param maxBackoff the longest wait between two attempts to send a batch
   */
  public record Limits(
      int queuedLines,
      long queuedBytes,
      int batchLines,
      long batchBytes,
      Duration blockFor,
      Duration maxBackoff) {

    /** Fits the server's batch limits (1,000 lines, 1 MiB) with room for JSON estimates. */
    public static final Limits DEFAULT =
        new Limits(
            10_000, 1024 * 1024, 1_000, 900 * 1024, Duration.ofMillis(200), Duration.ofSeconds(60));

    /**
     * @throws IllegalArgumentException naming the first limit that is not above zero
     */
    public Limits {
      requirePositive("queuedLines", queuedLines);
      requirePositive("queuedBytes", queuedBytes);
      requirePositive("batchLines", batchLines);
      requirePositive("batchBytes", batchBytes);
      requirePositive("maxBackoff", maxBackoff.toMillis());
      if (blockFor.isNegative()) {
        throw new IllegalArgumentException("blockFor is " + blockFor + ": use 0 or more");
      }
    }

    private static void requirePositive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " is " + value + ": use a value above 0");
      }
    }
  }

  private record Queued(LogLine line, long bytes) {}

  private final String device;
  private final DeviceApi api;
  private final Limits limits;
  private final Clock clock;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private long queuedBytes;
  private long maxQueuedBytes;
  private long droppedSinceReport;
  private long droppedTotal;
  private boolean dropping;
  private boolean closed;
  private Thread sender;

  /**
   * @param device the device UUID, for log lines
   */
  public LogForwarder(String device, DeviceApi api, Limits limits, Clock clock) {
    this.device = device;
    this.api = Objects.requireNonNull(api, "api");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Starts the sender thread. */
  public void start() {
    lock.lock();
    try {
      if (sender == null && !closed) {
        sender = new Thread(this::sendUntilClosed, "slipway-logs-" + device);
        sender.setDaemon(true);
        sender.start();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues one line. When the queue is full it waits up to {@link Limits#blockFor()} for room, then
   * drops the line; while it keeps dropping it does not wait again until the queue is half empty,
   * so that a stalled server does not slow the reader to one line per wait.
   */
  @Override
  public void accept(LogLine line) {
    Queued queued = queued(line);
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (!hasRoomFor(queued) && !dropping) {
        awaitRoom(queued);
      }
      if (!hasRoomFor(queued)) {
        dropping = true;
        droppedSinceReport++;
        droppedTotal++;
        return;
      }
      queue.addLast(queued);
      queuedBytes += queued.bytes();
      maxQueuedBytes = Math.max(maxQueuedBytes, queuedBytes);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many lines were dropped since the start. */
  public long dropped() {
    lock.lock();
    try {
      return droppedTotal;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the most estimated bytes the queue held at once. */
  public long maxQueuedBytes() {
    lock.lock();
    try {
      return maxQueuedBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the sender; lines still queued are not sent. Idempotent. */
  @Override
  public void close() {
    Thread running;
    lock.lock();
    try {
      closed = true;
      queue.clear();
      queuedBytes = 0;
      notEmpty.signalAll();
      notFull.signalAll();
      running = sender;
    } finally {
      lock.unlock();
    }
    if (running != null) {
      running.interrupt();
    }
  }

  private boolean hasRoomFor(Queued queued) {
    return queue.size() < limits.queuedLines()
        && queuedBytes + queued.bytes() <= limits.queuedBytes();
  }

  private void awaitRoom(Queued queued) {
    long remaining = limits.blockFor().toNanos();
    try {
      while (!hasRoomFor(queued) && !closed && remaining > 0) {
        remaining = notFull.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sendUntilClosed() {
    long failures = 0;
    List<LogLine> batch = List.of();
    while (true) {
      try {
        if (batch.isEmpty()) {
          batch = takeBatch();
        }
        if (batch == null) {
          return;
        }
        api.sendLogs(batch);
        batch = List.of();
        if (failures > 0) {
          log.info("Log lines of device {} reach the server again", device);
        }
        failures = 0;
      } catch (AgentException e) {
        failures++;
        if (failures == 1) {
          log.warn(
              "Sending {} log lines of device {} failed ({}): {}; retrying with backoff",
              batch.size(),
              device,
              e.failure(),
              e.getMessage());
        }
        if (!sleep(backoff(failures))) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Returns the next batch, or null once closed. */
  private List<LogLine> takeBatch() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && droppedSinceReport == 0 && !closed) {
        notEmpty.await();
      }
      if (closed) {
        return null;
      }
      List<LogLine> batch = new ArrayList<>();
      long bytes = 0;
      if (droppedSinceReport > 0) {
        batch.add(droppedLine(droppedSinceReport));
        bytes += LINE_OVERHEAD_BYTES * 2;
        droppedSinceReport = 0;
      }
      while (!queue.isEmpty()
          && batch.size() < limits.batchLines()
          && (batch.isEmpty() || bytes + queue.peekFirst().bytes() <= limits.batchBytes())) {
        Queued next = queue.pollFirst();
        batch.add(next.line());
        bytes += next.bytes();
        queuedBytes -= next.bytes();
      }
      if (queue.size() <= limits.queuedLines() / 2 && queuedBytes <= limits.queuedBytes() / 2) {
        dropping = false;
      }
      notFull.signalAll();
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private LogLine droppedLine(long count) {
    return new LogLine(
        clock.instant(),
        null,
        "slipway-agent dropped "
            + count
            + " log lines because the server did not take them fast enough",
        true);
  }

  private Duration backoff(long failures) {
    long capMillis = limits.maxBackoff().toMillis();
    long exponential = 500L << Math.min(failures - 1, 20);
    long bound = Math.min(capMillis, exponential);
    // Full jitter, so that devices cut off together do not come back in step.
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(bound / 2, bound + 1));
  }

  private static boolean sleep(Duration duration) {
    try {
      TimeUnit.MILLISECONDS.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Cuts over-long messages and estimates the line's JSON size. */
  private static Queued queued(LogLine line) {
    LogLine capped = line;
    if (line.message() != null && line.message().length() > MAX_MESSAGE_CHARS) {
      capped =
          new LogLine(
              line.timestamp(),
              line.service(),
              line.message().substring(0, MAX_MESSAGE_CHARS),
              line.stderr());
    }
    return new Queued(capped, estimatedBytes(capped));
  }

  /**
   * Returns an upper bound of the line's size in the batch's JSON: escapes take at most six bytes
   * per character ({@code \}{@code u0000}), and other characters at most three in UTF-8.
   */
  static long estimatedBytes(LogLine line) {
    long bytes = LINE_OVERHEAD_BYTES;
    if (line.service() != null) {
      bytes += line.service().getBytes(StandardCharsets.UTF_8).length;
    }
    String message = line.message() == null ? "" : line.message();
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        bytes += 6;
      } else if (c < 0x80) {
        bytes += 1;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
