package io.slipway.builder.engine.docker;

import io.slipway.builder.BuildLog;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Turns the text fragments a Docker engine streams into whole lines for a {@link BuildLog}, and
 * keeps the last few lines for error messages. The engine splits its output at arbitrary points and
 * may put several lines in one fragment; a line is passed on once its line break arrives, or at
 * {@link #flush}. Carriage returns and trailing blanks are dropped, and so are blank lines.
 *
 * <p>Thread-safe: the engine's callback thread writes while the calling thread reads the tail.
 */
final class EngineOutput {

  private final BuildLog log;
  private final int tailSize;
  private final Deque<String> tail = new ArrayDeque<>();
  private final StringBuilder partial = new StringBuilder();

  /**
   * @param log where each whole line goes
   * @param tailSize how many of the last lines {@link #tail} returns
   */
  EngineOutput(BuildLog log, int tailSize) {
    this.log = log;
    this.tailSize = tailSize;
  }

  /** Adds a fragment of engine output, which may contain no, one or several line breaks. */
  synchronized void text(String fragment) {
    if (fragment == null) {
      return;
    }
    int start = 0;
    int newline;
    while ((newline = fragment.indexOf('\n', start)) >= 0) {
      partial.append(fragment, start, newline);
      emit();
      start = newline + 1;
    }
    partial.append(fragment, start, fragment.length());
  }

  /**
   * Adds a complete message, after any fragment still waiting for its line break. A message with
   * line breaks becomes several lines.
   */
  synchronized void line(String text) {
    flush();
    text(text);
    flush();
  }

  /** Passes on a fragment still waiting for its line break. */
  synchronized void flush() {
    if (partial.length() > 0) {
      emit();
    }
  }

  /** Returns the last lines passed on, oldest first. */
  synchronized List<String> tail() {
    return List.copyOf(tail);
  }

  private void emit() {
    String line = partial.toString().replace("\r", "").stripTrailing();
    partial.setLength(0);
    if (line.isEmpty()) {
      return;
    }
    log.line(line);
    tail.addLast(line);
    while (tail.size() > tailSize) {
      tail.removeFirst();
    }
  }
}
