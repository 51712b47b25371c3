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
 * the line as JSON; a comment every {@link #HEARTBEAT} keeps idle connections open and finds closed
 * ones. Thread-safe.
 *
 * <p>NOTE: followers are held in this process only, so a line reaches the followers connected to
 * the server instance that stored it; several instances behind one address would need a shared
 * channel. One thread writes to every follower, in order, so a follower whose connection stalls
 * delays the others until the write fails.
 */
@Component
public class DeviceLogFollowers implements SmartLifecycle {

  /** How long one follow request stays open; clients reconnect after it. */
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  /** Interval of the keep-alive comment. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private static final Logger log = LoggerFactory.getLogger(DeviceLogFollowers.class);

  private final ConcurrentMap<Long, Set<SseEmitter>> byDevice = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sender;
  private final ObjectMapper json;
  private final int maxPerDevice;
  private volatile boolean running;

  public DeviceLogFollowers(ObjectMapper json, DeviceLogProperties properties) {
    this.json = json;
    this.maxPerDevice = properties.maxFollowersPerDevice();
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
   * client knows it is subscribed; lines stored afterwards follow as {@code log} events.
   *
   * @param uuid the device's UUID, for the log
   * @throws ApiException {@code DEVICE_LOG_FOLLOWERS_EXCEEDED} when the device already has the
   *     configured number of followers
   */
  public SseEmitter follow(long deviceId, String uuid) {
    SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
    Set<SseEmitter> followers =
        byDevice.computeIfAbsent(deviceId, id -> new CopyOnWriteArraySet<>());
    synchronized (followers) {
      if (followers.size() >= maxPerDevice) {
        throw new ApiException(
            ErrorCode.DEVICE_LOG_FOLLOWERS_EXCEEDED,
            "Device "
                + uuid
                + " already has "
                + followers.size()
                + " log followers: close one, or raise slipway.device-logs.max-followers-per-device");
      }
      followers.add(emitter);
    }
    emitter.onCompletion(() -> followers.remove(emitter));
    emitter.onTimeout(() -> followers.remove(emitter));
    emitter.onError(e -> followers.remove(emitter));
    sender.execute(
        () -> send(deviceId, emitter, SseEmitter.event().comment("following " + uuid).build()));
    log.debug("User follows the log of device {} ({} followers)", uuid, followers.size());
    return emitter;
  }

  /** Sends {@code lines} of {@code deviceId} to its followers, without waiting for the writes. */
  public void publish(long deviceId, List<StoredLogLine> lines) {
    Set<SseEmitter> followers = byDevice.get(deviceId);
    if (followers == null || followers.isEmpty() || lines.isEmpty()) {
      return;
    }
    // Each event is built once: a builder appends to itself on every build.
    List<Set<DataWithMediaType>> events = lines.stream().map(this::event).toList();
    sender.execute(
        () -> {
          for (SseEmitter emitter : followers) {
            for (Set<DataWithMediaType> event : events) {
              if (!send(deviceId, emitter, event)) {
                break;
              }
            }
          }
        });
  }

  /** Returns how many followers {@code deviceId} has now. */
  public int count(long deviceId) {
    Set<SseEmitter> followers = byDevice.get(deviceId);
    return followers == null ? 0 : followers.size();
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
          for (SseEmitter emitter : followers) {
            send(deviceId, emitter, SseEmitter.event().comment("keep-alive").build());
          }
        });
    byDevice.values().removeIf(Set::isEmpty);
  }

  private boolean send(long deviceId, SseEmitter emitter, Set<DataWithMediaType> event) {
    try {
      emitter.send(event);
      return true;
    } catch (IOException | IllegalStateException e) {
      // The client went away or the request timed out, so drop it. A client that wants more
      // lines reconnects.
      log.debug("Dropping a log follower of device id {}: {}", deviceId, e.toString());
      Set<SseEmitter> followers = byDevice.get(deviceId);
      if (followers != null) {
        followers.remove(emitter);
      }
      emitter.completeWithError(e);
      return false;
    }
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
    byDevice.values().forEach(followers -> followers.forEach(SseEmitter::complete));
    byDevice.clear();
  }
}
