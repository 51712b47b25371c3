package io.slipway.api.git;

import io.slipway.api.release.BuildLogLine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a release's build log into the lines a {@code git push} shows. In summary mode: every
 * release step, one line when a service/platform partition starts and one when it ends, and the
 * last {@value #TAIL_LINES} lines of a partition that failed. In full mode: every line, prefixed
 * with its partition. Not thread-safe: one instance follows one release.
 */
final class BuildProgress {

  /** How many of a failed partition's last lines are shown. */
  static final int TAIL_LINES = 20;

  private final boolean full;
  private final Map<String, Deque<String>> tails = new LinkedHashMap<>();
  private boolean releaseFailed;

  /**
   * @param full true to pass every line on instead of the summary
   */
  BuildProgress(boolean full) {
    this.full = full;
  }

  /** Returns the lines to show for {@code line}, possibly none. */
  List<String> accept(BuildLogLine line) {
    if (line.service() == null) {
      return releaseLine(line.line());
    }
    String partition = line.service() + " " + (line.platform() == null ? "" : line.platform());
    if (full) {
      return List.of("[" + partition.strip() + "] " + line.line());
    }
    return partitionLine(partition.strip(), line.line());
  }

  private List<String> releaseLine(String text) {
    if (full) {
      return List.of(text);
    }
    // The lines after a release's failure reason repeat the failed partition's tail, shown already.
    if (releaseFailed) {
      return List.of();
    }
    if (text.startsWith("Build failed:")) {
      releaseFailed = true;
    }
    return List.of(text);
  }

  private List<String> partitionLine(String partition, String text) {
    List<String> lines = new ArrayList<>();
    Deque<String> tail = tails.get(partition);
    if (tail == null) {
      tail = new ArrayDeque<>();
      tails.put(partition, tail);
      lines.add(partition + ": started");
    }
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(text);

    if (text.startsWith("Pushed ") || text.startsWith("Unchanged since an earlier build")) {
      lines.add(partition + ": done, " + lowerFirst(text));
    } else if (text.startsWith("Build failed:")) {
      lines.add(partition + ": FAILED; the last " + tail.size() + " lines of its log:");
      tail.forEach(kept -> lines.add("  | " + kept));
    }
    return lines;
  }

  private static String lowerFirst(String text) {
    return Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
