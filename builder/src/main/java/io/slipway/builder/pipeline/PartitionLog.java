package io.slipway.builder.pipeline;

import io.slipway.builder.BuildLog;
import io.slipway.builder.platform.Platform;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The build log of one partition, or of the release when service and platform are null: sends every
 * line to the {@link ReleaseSink} and keeps the last {@link #TAIL_LINES} for the failure message.
 * Safe for concurrent use.
 */
final class PartitionLog implements BuildLog {

  /** How many of the last lines a failure message quotes. */
  static final int TAIL_LINES = 30;

  private final ReleaseSink sink;
  private final long releaseId;
  private final String service;
  private final Platform platform;
  private final Deque<String> tail = new ArrayDeque<>();

  PartitionLog(ReleaseSink sink, long releaseId, String service, Platform platform) {
    this.sink = sink;
    this.releaseId = releaseId;
    this.service = service;
    this.platform = platform;
  }

  @Override
  public void line(String text) {
    synchronized (tail) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(text);
    }
    sink.log(releaseId, service, platform, text);
  }

  /** Returns the last lines, oldest first. */
  List<String> tail() {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }
}
