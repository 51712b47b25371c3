package io.slipway.cli.release;

import java.io.PrintWriter;

/**
 * Shows a release's build as its log arrives: redrawn progress rows on a terminal, plain lines
 * otherwise. Not thread-safe.
 */
public interface ProgressDisplay {

  /** Takes the next log line. */
  void accept(LogLine line);

  /** Ends the display, leaving the cursor on a fresh line. */
  void finish();

  /**
   * Returns the display for {@code out}.
   *
   * @param terminal whether {@code out} is a terminal that understands ANSI cursor movement
   * @param everyLine whether to print every log line rather than one line per change of state
   * @param width the terminal's width in columns
   */
  static ProgressDisplay of(PrintWriter out, boolean terminal, boolean everyLine, int width) {
    if (everyLine) {
      return new PlainDisplay(out, true);
    }
    return terminal ? new TerminalDisplay(out, width) : new PlainDisplay(out, false);
  }

  /** Returns a display that shows nothing, for {@code --json}. */
  static ProgressDisplay silent() {
    return new ProgressDisplay() {
      @Override
      public void accept(LogLine line) {}

      @Override
      public void finish() {}
    };
  }
}
