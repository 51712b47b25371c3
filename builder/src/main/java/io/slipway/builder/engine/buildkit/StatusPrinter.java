package io.slipway.builder.engine.buildkit;

import io.slipway.builder.BuildLog;
import io.slipway.builder.engine.buildkit.api.StatusResponse;
import io.slipway.builder.engine.buildkit.api.Vertex;
import io.slipway.builder.engine.buildkit.api.VertexLog;
import io.slipway.builder.engine.buildkit.api.VertexStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns BuildKit's Status stream into plain log lines, numbered per step like {@code docker buildx
 * --progress=plain}: {@code #3 [2/3] RUN make}, {@code #3 compiling...}, {@code #3 DONE 1.2s},
 * {@code #3 CACHED}, {@code #3 ERROR: ...}. Keeps the last lines for error messages.
 *
 * <p>Safe for concurrent use; one printer serves one build.
 */
final class StatusPrinter {

  /** How many of the last lines an error message quotes. */
  static final int TAIL_LINES = 20;

  private final BuildLog log;
  private final String secret;
  private final Map<String, Integer> numbers = new HashMap<>();
  private final Set<String> started = new HashSet<>();
  private final Set<String> finished = new HashSet<>();
  private final Set<String> finishedTasks = new HashSet<>();
  private final Map<String, StringBuilder> partialLines = new HashMap<>();
  private final Deque<String> tail = new ArrayDeque<>();

  /**
   * @param secret text to hide in every line: the random part of the build context's URL, which
   *     BuildKit and git repeat in their output
   */
  StatusPrinter(BuildLog log, String secret) {
    this.log = log;
    this.secret = secret;
  }

  synchronized void print(StatusResponse status) {
    for (Vertex vertex : status.getVertexesList()) {
      vertex(vertex);
    }
    for (VertexStatus task : status.getStatusesList()) {
      task(task);
    }
    for (VertexLog output : status.getLogsList()) {
      output(output);
    }
  }

  /** Writes output lines that did not end in a line break yet. */
  synchronized void flush() {
    partialLines.forEach(
        (vertex, text) -> {
          if (!text.isEmpty()) {
            line(vertex, text.toString());
          }
        });
    partialLines.clear();
  }

  /** Returns up to {@link #TAIL_LINES} last lines, oldest first. */
  synchronized List<String> tail() {
    return List.copyOf(tail);
  }

  private void vertex(Vertex vertex) {
    String digest = vertex.getDigest();
    if (vertex.hasStarted() && started.add(digest)) {
      line(digest, vertex.getName());
    }
    if (vertex.getCached() && finished.add(digest)) {
      if (started.add(digest)) {
        line(digest, vertex.getName());
      }
      line(digest, "CACHED");
      return;
    }
    if (!vertex.getError().isEmpty() && finished.add(digest)) {
      line(digest, "ERROR: " + vertex.getError());
      return;
    }
    if (vertex.hasCompleted() && vertex.hasStarted() && finished.add(digest)) {
      line(digest, "DONE " + seconds(vertex));
    }
  }

  private void task(VertexStatus task) {
    if (!task.hasCompleted() || !finishedTasks.add(task.getVertex() + " " + task.getId())) {
      return;
    }
    String amount = task.getTotal() > 0 ? " " + task.getCurrent() + "/" + task.getTotal() : "";
    line(task.getVertex(), task.getId() + amount + " done");
  }

  private void output(VertexLog output) {
    String vertex = output.getVertex();
    StringBuilder pending = partialLines.computeIfAbsent(vertex, key -> new StringBuilder());
    pending.append(output.getMsg().toString(StandardCharsets.UTF_8));
    int newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      String text = pending.substring(0, newline);
      pending.delete(0, newline + 1);
      line(vertex, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    }
  }

  private void line(String vertex, String text) {
    int number = numbers.computeIfAbsent(vertex, key -> numbers.size() + 1);
    String line = "#" + number + " " + text.replace(secret, "<secret>");
    log.line(line);
    tail.addLast(line);
    if (tail.size() > TAIL_LINES) {
      tail.removeFirst();
    }
  }

  private static String seconds(Vertex vertex) {
    Duration took =
        Duration.ofSeconds(
            vertex.getCompleted().getSeconds() - vertex.getStarted().getSeconds(),
            vertex.getCompleted().getNanos() - vertex.getStarted().getNanos());
    return String.format(java.util.Locale.ROOT, "%.1fs", took.toMillis() / 1000.0);
  }
}
