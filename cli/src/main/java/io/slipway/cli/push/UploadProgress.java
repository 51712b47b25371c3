package io.slipway.cli.push;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Shows how much of an upload has been sent: a bar redrawn in place on a terminal, nothing between
 * the start and end lines otherwise. Thread-safe: the HTTP client reports from its own threads.
 */
final class UploadProgress implements LongConsumer {

  private static final int BAR = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private final long total;
  private int shownPercent = -1;

  UploadProgress(PrintWriter out, boolean terminal, long total) {
    this.out = out;
    this.terminal = terminal;
    this.total = Math.max(1, total);
  }

  @Override
  public synchronized void accept(long sent) {
    int percent = (int) Math.min(100, sent * 100 / total);
    if (!terminal || percent == shownPercent) {
      return;
    }
    shownPercent = percent;
    int filled = percent * BAR / 100;
    out.print(
        "\rUploading ["
            + "#".repeat(filled)
            + " ".repeat(BAR - filled)
            + "] "
            + String.format(Locale.ROOT, "%3d%% %s / %s", percent, size(sent), size(total)));
    out.flush();
  }

  /** Ends the bar's line. */
  synchronized void finish() {
    if (terminal && shownPercent >= 0) {
      out.println();
      out.flush();
    }
  }

  /** Returns {@code bytes} in B, KiB or MiB with one decimal. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
