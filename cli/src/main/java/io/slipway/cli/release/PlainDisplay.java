package io.slipway.cli.release;

import java.io.PrintWriter;

/**
 * Plain lines for logs and pipes: every log line with its service and platform, or only
 * release-level lines and one line per partition change of state, with the tail of a failing
 * partition's log. Not thread-safe.
 */
final class PlainDisplay implements ProgressDisplay {

  private final PrintWriter out;
  private final boolean everyLine;
  private final BuildProgress progress = new BuildProgress();

  PlainDisplay(PrintWriter out, boolean everyLine) {
    this.out = out;
    this.everyLine = everyLine;
  }

  @Override
  public void accept(LogLine line) {
    BuildProgress.Partition changed = progress.accept(line);
    if (everyLine) {
      out.println(line.inPartition() ? "[" + line.partition() + "] " + line.text() : line.text());
    } else if (!line.inPartition()) {
      out.println(line.text());
    } else if (changed != null) {
      printChange(changed);
    }
    out.flush();
  }

  private void printChange(BuildProgress.Partition partition) {
    switch (partition.state()) {
      case BUILDING -> out.println(partition.name() + ": building " + partition.detail());
      case PUSHED -> out.println(partition.name() + ": pushed " + partition.detail());
      case REUSED -> out.println(partition.name() + ": " + partition.detail());
      case FAILED -> {
        out.println(partition.name() + ": failed: " + partition.detail());
        for (String tail : partition.tail()) {
          out.println("  | " + tail);
        }
      }
      default -> {}
    }
  }

  @Override
  public void finish() {
    out.flush();
  }
}
