package io.slipway.cli.release;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The build state of each service and platform of a release, read from its build log. A partition's
 * log starts with {@code Building ... with ENGINE} or {@code Unchanged since an earlier build:
 * reusing ...} and ends with {@code Pushed ... in N ms} or {@code Build failed: ...}. Not
 * thread-safe.
 */
public final class BuildProgress {

  /** Lines of a partition's log kept for showing when it fails. */
  public static final int TAIL = 20;

  private static final Pattern BUILDING = Pattern.compile("Building \\S+ with (\\S+)");
  private static final Pattern PUSHED = Pattern.compile("Pushed \\S+ in (\\d+) ms");
  private static final String REUSED = "Unchanged since an earlier build: reusing ";
  private static final String FAILED = "Build failed: ";

  private final Map<String, Partition> partitions = new LinkedHashMap<>();

  /** The build state of a partition. */
  public enum State {
    /** Lines arrived, but neither a start nor an end yet. */
    STARTING,
    BUILDING,
    PUSHED,
    REUSED,
    FAILED;

    /** Returns true for the states a partition ends in. */
    public boolean isFinal() {
      return this == PUSHED || this == REUSED || this == FAILED;
    }
  }

  /** One service and platform: its state, a short detail and the tail of its log. */
  public static final class Partition {
    private final String name;
    private State state = State.STARTING;
    private String detail = "";
    private int lines;
    private final Deque<String> tail = new ArrayDeque<>();

    Partition(String name) {
      this.name = name;
    }

    /** Returns {@code service platform}. */
    public String name() {
      return name;
    }

    public State state() {
      return state;
    }

    /** Returns the engine, the time taken, the failure or the latest line, by state. */
    public String detail() {
      return detail;
    }

    /** Returns how many log lines the partition has had. */
    public int lines() {
      return lines;
    }

    /** Returns the last {@value #TAIL} lines of its log, the failure line excluded. */
    public List<String> tail() {
      return new ArrayList<>(tail);
    }
  }

  /**
   * Takes one line.
   *
   * @return the partition whose state the line changed, or null when none changed
   */
  public Partition accept(LogLine line) {
    if (!line.inPartition()) {
      return null;
    }
    Partition partition = partitions.computeIfAbsent(line.partition(), Partition::new);
    partition.lines++;
    State before = partition.state;
    String text = line.text();

    Matcher building = BUILDING.matcher(text);
    Matcher pushed = PUSHED.matcher(text);
    if (text.startsWith(FAILED)) {
      partition.state = State.FAILED;
      partition.detail = text.substring(FAILED.length());
    } else if (text.startsWith(REUSED)) {
      partition.state = State.REUSED;
      partition.detail = "unchanged, reused";
    } else if (pushed.lookingAt()) {
      partition.state = State.PUSHED;
      partition.detail = "in " + seconds(Long.parseLong(pushed.group(1)));
    } else if (building.lookingAt()) {
      partition.state = State.BUILDING;
      partition.detail = "with " + building.group(1);
    } else {
      if (!partition.state.isFinal()) {
        partition.detail = text.strip();
      }
      remember(partition, text);
    }
    return partition.state == before ? null : partition;
  }

  /** Returns the partitions in the order their first line arrived. */
  public Collection<Partition> partitions() {
    return partitions.values();
  }

  private static void remember(Partition partition, String text) {
    partition.tail.addLast(text);
    if (partition.tail.size() > TAIL) {
      partition.tail.removeFirst();
    }
  }

  private static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
