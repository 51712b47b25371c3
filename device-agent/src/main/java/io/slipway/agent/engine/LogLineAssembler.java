package io.slipway.agent.engine;

import io.slipway.agent.client.LogLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;

/**
 * Turns the log frames of one stream (standard output or error) of one container into lines. The
 * engine sends each log message as a frame that starts with its timestamp when asked for
 * timestamps. A message longer than the engine's buffer arrives in several frames without a line
 * break, so text is kept until its line break arrives, up to {@link #MAX_LINE_CHARS}. Not
 * thread-safe: one stream's frames arrive on one thread.
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
    String text = new String(payload, StandardCharsets.UTF_8);
    Instant timestamp = Instant.now();
    int space = text.indexOf(' ');
    if (space > 0) {
      try {
        timestamp = Instant.parse(text.substring(0, space));
        text = text.substring(space + 1);
      } catch (DateTimeParseException e) {
        // No timestamp in front: keep the whole text, stamped with the time it arrived.
      }
    }

    if (pending.isEmpty()) {
      pendingSince = timestamp;
    }
    pending.append(text);
    int end = pending.indexOf("\n");
    while (end >= 0) {
      pass(pending.substring(0, end));
      pending.delete(0, end + 1);
      pendingSince = timestamp;
      end = pending.indexOf("\n");
    }
    if (pending.length() > MAX_LINE_CHARS) {
      pass(pending.toString());
      pending.setLength(0);
    }
  }

  private void pass(String message) {
    String line = message.endsWith("\r") ? message.substring(0, message.length() - 1) : message;
    if (line.length() > MAX_LINE_CHARS) {
      line = line.substring(0, MAX_LINE_CHARS);
    }
    sink.accept(new LogLine(pendingSince, service, line, stderr));
  }
}
