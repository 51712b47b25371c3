package io.slipway.agent.engine;

import io.slipway.agent.client.LogLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;

/**
 * Turns the log frames of one stream (standard output or error) of one container into lines. When
 * asked for timestamps, the engine starts each line with its RFC 3339 timestamp and a space. Frame
 * boundaries need not match line boundaries: a frame may end inside a line, even inside its
 * timestamp. So text is kept until its line break arrives, up to {@link #MAX_LINE_CHARS}, and the
 * timestamp is read from each complete line. A line without one is stamped with the time its first
 * text arrived.
 *
 * <p>NOTE: the engine splits a message longer than its 16 KiB buffer into partial messages that
 * each carry a timestamp; the second and later ones stay inside the joined line's text.
 *
 * <p>Not thread-safe: one stream's frames arrive on one thread.
 */
final class LogLineAssembler {

  /**
   * Maximum characters of a line passed on; longer lines are cut, so one line cannot fill the heap.
   */
  static final int MAX_LINE_CHARS = 16 * 1024;

  private final String service;
  private final boolean stderr;
  private final Consumer<LogLine> sink;
  private final StringBuilder pending = new StringBuilder();
  private Instant pendingSince;

  LogLineAssembler(String service, boolean stderr, Consumer<LogLine> sink) {
    this.service = service;
    this.stderr = stderr;
    this.sink = sink;
  }

  /** Adds one frame and passes on every line it completes. */
  void accept(byte[] payload) {
    if (pending.isEmpty()) {
      pendingSince = Instant.now();
    }
    pending.append(new String(payload, StandardCharsets.UTF_8));
    int end = pending.indexOf("\n");
    while (end >= 0) {
      pass(pending.substring(0, end));
      pending.delete(0, end + 1);
      pendingSince = Instant.now();
      end = pending.indexOf("\n");
    }
    if (pending.length() > MAX_LINE_CHARS) {
      pass(pending.toString());
      pending.setLength(0);
    }
  }

  private void pass(String text) {
    Instant timestamp = pendingSince;
    String message = text;
    int space = text.indexOf(' ');
    if (space > 0) {
      try {
        timestamp = Instant.parse(text.substring(0, space));
        message = text.substring(space + 1);
      } catch (DateTimeParseException e) {
        // No timestamp in front: keep the whole text, stamped with the time it arrived.
      }
    }
    passMessage(timestamp, message);
  }

  private void passMessage(Instant timestamp, String message) {
    String line = message.endsWith("\r") ? message.substring(0, message.length() - 1) : message;
    if (line.length() > MAX_LINE_CHARS) {
      line = line.substring(0, MAX_LINE_CHARS);
    }
    sink.accept(new LogLine(timestamp, service, line, stderr));
  }
}
