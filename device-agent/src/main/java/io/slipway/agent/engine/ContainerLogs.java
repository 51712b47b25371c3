package io.slipway.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.slipway.agent.client.LogLine;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the output of one device's containers: those running when it starts and each one the
 * engine starts later (found through the engine's event stream), from the second it was found. Each
 * container's stream is read on a docker-java thread, which blocks while the sink blocks, so the
 * engine's socket, not this process's memory, holds what the sink has not taken yet.
 *
 * <p>NOTE: lines written while no one followed (agent down, between a container's restarts and the
 * start event reaching the agent) are not sent, and lines of the second in which following began
 * may repeat after a restart of the container.
 *
 * <p>Thread-safe; {@link #close()} stops every stream.
 */
final class ContainerLogs implements AutoCloseable {

  /**
   * Maximum characters of a line passed on; longer lines are cut, so one line cannot fill the heap.
   */
  static final int MAX_LINE_CHARS = 16 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ContainerLogs.class);

  private final DockerClient client;
  private final EngineNames names;
  private final Consumer<LogLine> sink;
  private final Map<String, Closeable> streams = new ConcurrentHashMap<>();
  private volatile Closeable events;
  private volatile boolean closed;

  private ContainerLogs(DockerClient client, EngineNames names, Consumer<LogLine> sink) {
    this.client = client;
    this.names = names;
    this.sink = sink;
  }

  /** Starts following and returns the handle that stops it. */
  static ContainerLogs follow(DockerClient client, EngineNames names, Consumer<LogLine> sink) {
    ContainerLogs logs = new ContainerLogs(client, names, sink);
    int since = (int) Instant.now().getEpochSecond();
    // Watch for starts first, so a container started while the list is read is not missed.
    logs.events =
        client
            .eventsCmd()
            .withEventTypeFilter(EventType.CONTAINER)
            .withEventFilter("start")
            .withLabelFilter(Map.of(ContainerSpec.DEVICE_LABEL, names.deviceUuid()))
            .withSince(Integer.toString(since))
            .exec(logs.new Starts());
    List<Container> running =
        client
            .listContainersCmd()
            .withLabelFilter(Map.of(ContainerSpec.DEVICE_LABEL, names.deviceUuid()))
            .exec();
    for (Container container : running) {
      logs.attach(container.getId(), container.getLabels().get(ContainerSpec.SERVICE_LABEL), since);
    }
    return logs;
  }

  private void attach(String containerId, String service, int since) {
    if (closed || streams.containsKey(containerId)) {
      return;
    }
    Lines lines = new Lines(containerId, service);
    if (streams.putIfAbsent(containerId, lines) != null) {
      return;
    }
    client
        .logContainerCmd(containerId)
        .withFollowStream(true)
        .withStdOut(true)
        .withStdErr(true)
        .withTimestamps(true)
        .withSince(since)
        .exec(lines);
    LOG.debug(
        "Following container {} of service {} on device {}",
        containerId,
        service,
        names.deviceUuid());
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(events);
    for (Closeable stream : streams.values()) {
      closeQuietly(stream);
    }
    streams.clear();
  }

  private static void closeQuietly(Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException e) {
      LOG.debug("Closing a log stream failed: {}", e.toString());
    }
  }

  /** Attaches to each container of the device that the engine starts. */
  private final class Starts extends ResultCallback.Adapter<Event> {

    @Override
    public void onNext(Event event) {
      Map<String, String> attributes =
          event.getActor() == null ? Map.of() : event.getActor().getAttributes();
      String service = attributes == null ? null : attributes.get(ContainerSpec.SERVICE_LABEL);
      long time = event.getTime() == null ? Instant.now().getEpochSecond() : event.getTime();
      attach(event.getId(), service, (int) time);
    }

    @Override
    public void onError(Throwable error) {
      if (!closed) {
        LOG.warn(
            "Watching container starts on device {} failed: {}",
            names.deviceUuid(),
            error.toString());
      }
      super.onError(error);
    }
  }

  /**
   * Turns one container's frames into lines. The engine sends each log message as a frame that
   * starts with its timestamp. A message longer than the engine's buffer arrives in several frames
   * without a line break, so text is kept per stream until its line break arrives.
   */
  private final class Lines extends ResultCallback.Adapter<Frame> {

    private final String containerId;
    private final String service;
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private Instant stdoutStart;
    private Instant stderrStart;

    Lines(String containerId, String service) {
      this.containerId = containerId;
      this.service = service;
    }

    @Override
    public void onNext(Frame frame) {
      boolean isStderr = frame.getStreamType() == StreamType.STDERR;
      String text = new String(frame.getPayload(), StandardCharsets.UTF_8);
      Instant timestamp = Instant.now();
      int space = text.indexOf(' ');
      if (space > 0) {
        try {
          timestamp = Instant.parse(text.substring(0, space));
          text = text.substring(space + 1);
        } catch (DateTimeParseException e) {
          // No timestamp in front (the engine adds one to every message): keep the whole text.
        }
      }
      if (isStderr) {
        stderrStart = append(stderr, stderrStart, timestamp, text, true);
      } else {
        stdoutStart = append(stdout, stdoutStart, timestamp, text, false);
      }
    }

    /**
     * Adds {@code text} to {@code pending} and passes on every line it completes, and a line that
     * grew past {@link #MAX_LINE_CHARS}, cut there. Returns the timestamp of what stays pending.
     */
    private Instant append(
        StringBuilder pending, Instant start, Instant timestamp, String text, boolean isStderr) {
      Instant lineStart = pending.isEmpty() ? timestamp : start;
      pending.append(text);
      int end;
      while ((end = pending.indexOf("\n")) >= 0) {
        pass(pending.substring(0, end), lineStart, isStderr);
        pending.delete(0, end + 1);
        lineStart = timestamp;
      }
      if (pending.length() > MAX_LINE_CHARS) {
        pass(pending.toString(), lineStart, isStderr);
        pending.setLength(0);
      }
      return lineStart;
    }

    private void pass(String message, Instant timestamp, boolean isStderr) {
      String line = message.endsWith("\r") ? message.substring(0, message.length() - 1) : message;
      if (line.length() > MAX_LINE_CHARS) {
        line = line.substring(0, MAX_LINE_CHARS);
      }
      sink.accept(new LogLine(timestamp, service, line, isStderr));
    }

    @Override
    public void onComplete() {
      streams.remove(containerId, this);
      super.onComplete();
    }

    @Override
    public void onError(Throwable error) {
      streams.remove(containerId, this);
      if (!closed) {
        LOG.warn(
            "Following container {} of service {} on device {} failed: {}",
            containerId,
            service,
            names.deviceUuid(),
            error.toString());
      }
      super.onError(error);
    }
  }
}
