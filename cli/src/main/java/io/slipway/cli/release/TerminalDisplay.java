package io.slipway.cli.release;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Progress rows on a terminal, one per service and platform, redrawn in place with ANSI cursor
 * movement as lines arrive. Release-level lines and the tail of a failing partition's log are
 * printed above the rows. Not thread-safe.
 */
final class TerminalDisplay implements ProgressDisplay {

  private static final int BAR = 20;
  private static final String CLEAR_LINE = "\033[2K";

  private final PrintWriter out;
  private final int width;
  private final BuildProgress progress = new BuildProgress();
  private int drawn;

  TerminalDisplay(PrintWriter out, int width) {
    this.out = out;
    this.width = Math.max(40, width);
  }

  @Override
  public void accept(LogLine line) {
    BuildProgress.Partition changed = progress.accept(line);
    List<String> above = new ArrayList<>();
    if (!line.inPartition()) {
      above.add(line.text());
    } else if (changed != null && changed.state() == BuildProgress.State.FAILED) {
      above.add(changed.name() + ": failed: " + changed.detail());
      changed.tail().forEach(tail -> above.add("  | " + tail));
    }
    redraw(above);
  }

  @Override
  public void finish() {
    out.flush();
  }

  private void redraw(List<String> above) {
    StringBuilder screen = new StringBuilder();
    if (drawn > 0) {
      // Back to the first row: the cursor sits on the line below the last one drawn.
      screen.append("\033[").append(drawn).append('F');
    }
    // Lines above the rows stay on screen, so they may wrap; only rows must fit on one line each.
    for (String line : above) {
      screen.append(CLEAR_LINE).append(line.replace('\t', ' ')).append('\n');
    }
    int name = 0;
    for (BuildProgress.Partition partition : progress.partitions()) {
      name = Math.max(name, partition.name().length());
    }
    for (BuildProgress.Partition partition : progress.partitions()) {
      screen.append(CLEAR_LINE).append(fit(row(partition, name))).append('\n');
    }
    drawn = progress.partitions().size();
    out.print(screen);
    out.flush();
  }

  private String row(BuildProgress.Partition partition, int nameWidth) {
    String state = partition.state().name().toLowerCase(java.util.Locale.ROOT);
    return String.format(
        "%-" + nameWidth + "s %s %-9s %s",
        partition.name(),
        bar(partition),
        state,
        partition.detail());
  }

  /**
   * Draws a full bar for a finished partition. A running one gets a marker that moves with each
   * line, because the number of lines a build logs is not known in advance.
   */
  private static String bar(BuildProgress.Partition partition) {
    char[] cells = new char[BAR];
    java.util.Arrays.fill(cells, ' ');
    if (partition.state().isFinal()) {
      java.util.Arrays.fill(cells, partition.state() == BuildProgress.State.FAILED ? 'x' : '=');
    } else {
      int at = partition.lines() % (BAR * 2 - 2);
      int position = at < BAR ? at : BAR * 2 - 2 - at;
      cells[position] = '#';
    }
    return "[" + new String(cells) + "]";
  }

  /**
   * Cuts a row to the terminal's width, so that it takes one line and moving the cursor up by the
   * number of rows lands on the first one. Tabs and other control characters become spaces.
   */
  private String fit(String row) {
    String plain = row.replaceAll("\\p{Cntrl}", " ");
    return plain.length() < width ? plain : plain.substring(0, width - 4) + "...";
  }
}
