package io.slipway.cli.release;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Follows the build log of a release through the server-sent events of {@code GET
 * /api/v1/releases/{id}/logs/stream}: {@code log} events carry lines, one {@code end} event the
 * final status. When the stream breaks before the end, it is opened again after the last line
 * received, until it breaks {@value #ATTEMPTS} times in a row without a new line. Not thread-safe;
 * one per release followed.
 */
public final class LogStream {

  /** Stream breaks in a row, with no new line in between, after which following gives up. */
  private static final int ATTEMPTS = 4;

  private static final Duration RETRY_DELAY = Duration.ofMillis(500);

  private final SlipwayClient client;
  private final long release;
  private long lastLine;

  public LogStream(SlipwayClient client, long release) {
    this.client = client;
    this.release = release;
  }

  /**
   * Hands every line to {@code lines}, in order, until the release ends.
   *
   * @return the release's final status, such as {@code SUCCESS} or {@code FAILED}
   * @throws CommandFailedException when the stream keeps breaking, or as {@link SlipwayClient} does
   */
  public String follow(Consumer<LogLine> lines) {
    int failures = 0;
    while (failures < ATTEMPTS) {
      long before = lastLine;
      String path = "/api/v1/releases/" + release + "/logs/stream?after=" + lastLine;
      try (Stream<String> events = client.events(path)) {
        String status = read(events.iterator(), lines);
        if (status != null) {
          return status;
        }
      } catch (UncheckedIOException e) {
        // The connection broke while reading: open it again below.
      }
      // The server also ends a stream after a time limit, so only breaks without a new line count.
      failures = lastLine > before ? 0 : failures + 1;
      pause();
    }
    throw new CommandFailedException(
        "The build log of release "
            + release
            + " kept breaking off; follow it again with 'slipway release follow "
            + release
            + "'",
        ExitCode.UNREACHABLE);
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_DELAY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailedException("Interrupted while following a build log");
    }
  }

  /** Reads events until the {@code end} event; returns its status, or null when the lines end. */
  private String read(Iterator<String> text, Consumer<LogLine> lines) {
    String event = "message";
    StringBuilder data = new StringBuilder();
    while (text.hasNext()) {
      String line = text.next();
      if (line.isEmpty()) {
        String status = dispatch(event, data.toString(), lines);
        if (status != null) {
          return status;
        }
        event = "message";
        data.setLength(0);
      } else if (line.startsWith("event:")) {
        event = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        data.append(data.length() == 0 ? "" : "\n").append(line.substring(5).stripLeading());
      }
    }
    return null;
  }

  private String dispatch(String event, String data, Consumer<LogLine> lines) {
    if (event.equals("end")) {
      return SlipwayClient.json().readTree(data).path("status").asString("UNKNOWN");
    }
    if (!event.equals("log") || data.isEmpty()) {
      return null;
    }
    JsonNode node = SlipwayClient.json().readTree(data);
    LogLine line =
        new LogLine(
            node.path("id").asLong(),
            textOrNull(node.path("service")),
            textOrNull(node.path("platform")),
            node.path("line").asString(""));
    lastLine = Math.max(lastLine, line.id());
    lines.accept(line);
    return null;
  }

  private static String textOrNull(JsonNode node) {
    return node.isString() ? node.asString() : null;
  }
}
