package io.slipway.cli.os;

import io.slipway.osimage.image.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how far writing an image has come, on standard error: a bar redrawn in place on a terminal
 * (percent of the raw image, bytes, MiB/s and time left), one plain line per tenth of the image
 * otherwise, or nothing. Thread-safe: the image library reports from its writing thread.
 */
final class ImageProgress implements ProgressListener {

  /** The form progress takes on standard error. */
  enum Style {
    /** A bar redrawn in place, for a terminal. */
    BAR,
    /** One line per tenth of the image, or per {@link #LINE_INTERVAL_BYTES} when size unknown. */
    LINES,
    /** Nothing. */
    NONE
  }

  /** Bytes between two plain lines when the image's size is not known yet: 256 MiB. */
  static final long LINE_INTERVAL_BYTES = 256L << 20;

  private static final int BAR_WIDTH = 30;
  private static final long REDRAW_NANOS = 200_000_000L;
  private static final double MIB = 1024.0 * 1024;

  private final PrintWriter err;
  private final Style style;
  private final String action;
  private final LongSupplier nanoTime;
  private final long started;
  private long lastDrawn = Long.MIN_VALUE;
  private long lastStep = -1;
  private boolean drawn;

  /**
   * @param action what is shown before the figures, such as {@code Configuring}
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  ImageProgress(PrintWriter err, Style style, String action, LongSupplier nanoTime) {
    this.err = err;
    this.style = style;
    this.action = action;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
  }

  /**
   * Returns the style for a command's output options.
   *
   * @param terminal whether the user sits at a terminal, from {@code System.console()}. NOTE: Java
   *     17 cannot tell whether standard error itself is a terminal, so a bar is drawn when standard
   *     input and output are one, even if standard error is redirected.
   */
  static Style style(boolean terminal, boolean quiet) {
    if (quiet) {
      return Style.NONE;
    }
    return terminal ? Style.BAR : Style.LINES;
  }

  @Override
  public synchronized void progress(long rawBytesDone, long rawBytesTotal) {
    switch (style) {
      case BAR -> drawBar(rawBytesDone, rawBytesTotal);
      case LINES -> printLine(rawBytesDone, rawBytesTotal);
      case NONE -> {}
    }
  }

  /** Ends the bar's line; call once when writing ended, also after a failure. */
  synchronized void finish() {
    if (style == Style.BAR && drawn) {
      err.println();
      err.flush();
    }
  }

  private void drawBar(long done, long total) {
    long now = nanoTime.getAsLong();
    boolean complete = total > 0 && done >= total;
    if (!complete && drawn && now - lastDrawn < REDRAW_NANOS) {
      return;
    }
    lastDrawn = now;
    drawn = true;
    String bar;
    if (total > 0) {
      int filled = (int) (Math.min(done, total) * BAR_WIDTH / total);
      bar = "[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] ";
    } else {
      bar = "";
    }
    err.print("\r" + action + " " + bar + figures(done, total, now) + "   ");
    err.flush();
  }

  private void printLine(long done, long total) {
    long step = total > 0 ? Math.min(done, total) * 10 / total : done / LINE_INTERVAL_BYTES;
    if (step == lastStep) {
      return;
    }
    lastStep = step;
    err.println(action + ": " + figures(done, total, nanoTime.getAsLong()));
    err.flush();
  }

  /** Returns the figures both styles show, such as {@code 42% 840.0 MiB / 2.0 GiB, ...}. */
  private String figures(long done, long total, long now) {
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    double bytesPerSecond = done / seconds;
    StringBuilder text = new StringBuilder();
    if (total > 0) {
      text.append(String.format(Locale.ROOT, "%3d%% ", Math.min(100, done * 100 / total)));
      text.append(size(done)).append(" / ").append(size(total));
    } else {
      text.append(size(done));
    }
    text.append(String.format(Locale.ROOT, ", %.1f MiB/s", bytesPerSecond / MIB));
    if (total > 0 && done < total && bytesPerSecond > 0) {
      text.append(", ").append(duration((long) ((total - done) / bytesPerSecond))).append(" left");
    }
    return text.toString();
  }

  /** Returns {@code bytes} in B, KiB, MiB or GiB with one decimal. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** Returns {@code seconds} as {@code M:SS}, or {@code H:MM:SS} from one hour. */
  static String duration(long seconds) {
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    if (hours > 0) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, rest);
    }
    return String.format(Locale.ROOT, "%d:%02d", minutes, rest);
  }
}
