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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /** How long to wait before following again after the engine failed or ended its events. */
  static final Duration RETRY = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(ContainerLogs.class);

  private final DockerClient client;
  private final EngineNames names;
  private final Consumer<LogLine> sink;
  private final Map<String, Closeable> streams = new ConcurrentHashMap<>();
  private final ScheduledExecutorService retries;
  private final AtomicBoolean retryPending = new AtomicBoolean();
  private volatile Closeable events;
  private volatile Starts currentStarts;
  private volatile boolean closed;

  private ContainerLogs(DockerClient client, EngineNames names, Consumer<LogLine> sink) {
    this.client = client;
    this.names = names;
    this.sink = sink;
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "slipway-logs-" + names.shortUuid());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts following and returns the handle that stops it. An engine that cannot be reached yet (it
   * may start after the agent) is asked again every {@link #RETRY}, as is one whose event stream
   * ends.
   */
  static ContainerLogs follow(DockerClient client, EngineNames names, Consumer<LogLine> sink) {
    ContainerLogs logs = new ContainerLogs(client, names, sink);
    logs.watch();
    return logs;
  }

  /** Subscribes to container starts and attaches to the running containers; retries on failure. */
  private void watch() {
    if (closed) {
      return;
    }
    try {
      int since = (int) Instant.now().getEpochSecond();
      // Watch for starts first, so a container started while the list is read is not missed.
      Starts starts = new Starts();
      currentStarts = starts;
      events =
          client
              .eventsCmd()
              .withEventTypeFilter(EventType.CONTAINER)
              .withEventFilter("start")
              .withLabelFilter(Map.of(ContainerSpec.DEVICE_LABEL, names.deviceUuid()))
              .withSince(Integer.toString(since))
              .exec(starts);
      List<Container> running =
          client
              .listContainersCmd()
              .withLabelFilter(Map.of(ContainerSpec.DEVICE_LABEL, names.deviceUuid()))
              .exec();
      for (Container container : running) {
        attach(container.getId(), container.getLabels().get(ContainerSpec.SERVICE_LABEL), since);
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "Following container logs on device {} failed, retrying in {}: {}",
          names.deviceUuid(),
          RETRY,
          DockerServiceRunner.oneLine(e.toString()));
      retryLater();
    }
  }

  /** Schedules one more {@link #watch()}, unless one is pending already. */
  private void retryLater() {
    closeQuietly(events);
    if (closed || !retryPending.compareAndSet(false, true)) {
      return;
    }
    retries.schedule(
        () -> {
          retryPending.set(false);
          watch();
        },
        RETRY.toMillis(),
        TimeUnit.MILLISECONDS);
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
    retries.shutdownNow();
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

  /**
   * Attaches to each container of the device that the engine starts. When the event stream ends
   * (the engine restarted or failed), following starts over once.
   */
  private final class Starts extends ResultCallback.Adapter<Event> {

    private final AtomicBoolean ended = new AtomicBoolean();

    @Override
    public void onNext(Event event) {
      Map<String, String> attributes =
          event.getActor() == null ? Map.of() : event.getActor().getAttributes();
      String service = attributes == null ? null : attributes.get(ContainerSpec.SERVICE_LABEL);
      long time = event.getTime() == null ? Instant.now().getEpochSecond() : event.getTime();
      attach(event.getId(), service, (int) time);
    }

    @Override
    public void onComplete() {
      super.onComplete();
      startOver("ended");
    }

    @Override
    public void onError(Throwable error) {
      // Not passed to the base class, which would log every failed attempt at ERROR.
      closeQuietly(this);
      startOver(error.toString());
    }

    private void startOver(String reason) {
      // Only the newest subscription starts over, and only once.
      if (closed || currentStarts != this || !ended.compareAndSet(false, true)) {
        return;
      }
      LOG.warn(
          "Watching container starts on device {} stopped ({}); following again in {}",
          names.deviceUuid(),
          reason,
          RETRY);
      retryLater();
    }
  }

  /** Passes one container's frames on as lines, per stream. */
  private final class Lines extends ResultCallback.Adapter<Frame> {

    private final String containerId;
    private final String service;
    private final LogLineAssembler stdout;
    private final LogLineAssembler stderr;

    Lines(String containerId, String service) {
      this.containerId = containerId;
      this.service = service;
      this.stdout = new LogLineAssembler(service, false, sink);
      this.stderr = new LogLineAssembler(service, true, sink);
    }

    @Override
    public void onNext(Frame frame) {
      if (frame.getStreamType() == StreamType.STDERR) {
        stderr.accept(frame.getPayload());
      } else {
        stdout.accept(frame.getPayload());
      }
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
            DockerServiceRunner.oneLine(error.toString()));
      }
      // Not passed to the base class, which would log it at ERROR a second time.
      closeQuietly(this);
    }
  }
}
