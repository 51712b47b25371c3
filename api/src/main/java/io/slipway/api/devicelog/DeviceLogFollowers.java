package io.slipway.api.devicelog;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;

/**
 * The users following device logs as server-sent events, and the hand-off of each stored batch to
 * them. Each line is sent as an event named {@code log} whose id is the line's id and whose data is
 * the line as JSON. A comment every {@link #HEARTBEAT} keeps idle connections open and finds closed
 * ones. Thread-safe: one thread writes to every follower, in order.
 *
 * <p>NOTE: followers are held in this process only, so a line reaches the followers connected to
 * the server instance that stored it; several instances behind one address would need a shared
 * channel. A follower whose connection stalls delays the others until the write fails.
 */
@Component
public class DeviceLogFollowers implements SmartLifecycle {

  /** How long one follow request stays open; clients reconnect after it. */
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  /** Interval of the keep-alive comment. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private static final Logger log = LoggerFactory.getLogger(DeviceLogFollowers.class);

  private final ConcurrentMap<Long, Set<Follower>> byDevice = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sender;
  private final DeviceLogRepository repository;
  private final ObjectMapper json;
  private final int maxPerDevice;
  private final int retainedLines;
  private volatile boolean running;

  /**
   * One open stream. After construction its fields are read and written on the sender thread only.
   *
   * <p>A follower that resumes is not ready until its missed lines are sent. Batches handed over
   * before that are skipped for it, because they were stored before its catch-up query, which
   * returned them. Lines up to {@code caughtUpTo} are skipped afterwards for the same reason.
   */
  private static final class Follower {
    final SseEmitter emitter;
    boolean ready;
    long caughtUpTo;

    Follower(SseEmitter emitter, boolean ready) {
      this.emitter = emitter;
      this.ready = ready;
    }
  }

  public DeviceLogFollowers(
      DeviceLogRepository repository, ObjectMapper json, DeviceLogProperties properties) {
    this.repository = repository;
    this.json = json;
    this.maxPerDevice = properties.maxFollowersPerDevice();
    this.retainedLines = properties.retainedLines();
    this.sender =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "device-log-followers");
              thread.setDaemon(true);
              return thread;
            });
    sender.scheduleWithFixedDelay(
        this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts following the log of {@code deviceId}. The stream opens with a comment so that the
   * client knows it is subscribed. With {@code afterId}, the stored lines after it come next, so
   * that a client that reconnects with {@code Last-Event-ID} misses nothing still retained. Lines
   * stored afterwards follow as they arrive.
   *
   * @param uuid the device's UUID, for the log
   * @param afterId id of the last line the client has, or null to start with new lines
   * @throws ApiException {@code DEVICE_LOG_FOLLOWERS_EXCEEDED} when the device already has the
   *     configured number of followers
   */
  public SseEmitter follow(long deviceId, String uuid, Long afterId) {
    Follower follower = new Follower(new SseEmitter(TIMEOUT.toMillis()), afterId == null);
    byDevice.compute(
        deviceId,
        (id, followers) -> {
          Set<Follower> set = followers == null ? new CopyOnWriteArraySet<>() : followers;
          if (set.size() >= maxPerDevice) {
            throw new ApiException(
                ErrorCode.DEVICE_LOG_FOLLOWERS_EXCEEDED,
                "Device "
                    + uuid
                    + " already has "
                    + set.size()
                    + " log followers: close one, or raise"
                    + " slipway.device-logs.max-followers-per-device");
          }
          set.add(follower);
          return set;
        });
    Runnable drop = () -> remove(deviceId, follower);
    follower.emitter.onCompletion(drop);
    follower.emitter.onTimeout(drop);
    follower.emitter.onError(e -> drop.run());

    sender.execute(() -> catchUp(deviceId, uuid, follower, afterId));
    log.debug("A user follows the log of device {}", uuid);
    return follower.emitter;
  }

  /** Sends {@code lines} of {@code deviceId} to its followers, without waiting for the writes. */
  public void publish(long deviceId, List<StoredLogLine> lines) {
    Set<Follower> followers = byDevice.get(deviceId);
    if (followers == null || followers.isEmpty() || lines.isEmpty()) {
      return;
    }
    sender.execute(
        () -> {
          for (Follower follower : followers) {
            if (follower.ready) {
              sendLines(deviceId, follower, lines);
            }
          }
        });
  }

  /** Returns how many followers {@code deviceId} has now. */
  public int count(long deviceId) {
    Set<Follower> followers = byDevice.get(deviceId);
    return followers == null ? 0 : followers.size();
  }

  private void catchUp(long deviceId, String uuid, Follower follower, Long afterId) {
    if (!send(deviceId, follower, SseEmitter.event().comment("following " + uuid).build())) {
      return;
    }
    if (afterId != null) {
      List<StoredLogLine> missed = repository.findAfter(deviceId, afterId, retainedLines);
      if (!sendLines(deviceId, follower, missed)) {
        return;
      }
      follower.caughtUpTo = missed.isEmpty() ? afterId : missed.get(missed.size() - 1).id();
    }
    follower.ready = true;
  }

  private boolean sendLines(long deviceId, Follower follower, List<StoredLogLine> lines) {
    for (StoredLogLine line : lines) {
      if (line.id() > follower.caughtUpTo && !send(deviceId, follower, event(line))) {
        return false;
      }
    }
    return true;
  }

  private Set<DataWithMediaType> event(StoredLogLine line) {
    return SseEmitter.event()
        .id(Long.toString(line.id()))
        .name("log")
        .data(json.writeValueAsString(line))
        .build();
  }

  private void heartbeat() {
    byDevice.forEach(
        (deviceId, followers) -> {
          for (Follower follower : followers) {
            send(deviceId, follower, SseEmitter.event().comment("keep-alive").build());
          }
        });
  }

  private boolean send(long deviceId, Follower follower, Set<DataWithMediaType> event) {
    try {
      follower.emitter.send(event);
      return true;
    } catch (IOException | IllegalStateException e) {
      // The client went away or the request timed out, so drop it. A client that wants more
      // lines reconnects.
      log.debug("Dropping a log follower of device id {}: {}", deviceId, e.toString());
      remove(deviceId, follower);
      follower.emitter.completeWithError(e);
      return false;
    }
  }

  private void remove(long deviceId, Follower follower) {
    byDevice.computeIfPresent(
        deviceId,
        (id, followers) -> {
          followers.remove(follower);
          return followers.isEmpty() ? null : followers;
        });
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * Ends every follow request. This runs in the first shutdown phase, before the web server waits
   * for open requests, which would otherwise keep shutdown waiting for its whole grace period.
   */
  @Override
  public void stop() {
    running = false;
    sender.shutdownNow();
    byDevice.values().forEach(followers -> followers.forEach(f -> f.emitter.complete()));
    byDevice.clear();
  }
}
