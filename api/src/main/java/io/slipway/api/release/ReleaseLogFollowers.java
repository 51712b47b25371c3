package io.slipway.api.release;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;

/**
 * Users following a release's build log as server-sent events. Each line is an event named {@code
 * log} whose id is the line's id and whose data is the line as JSON (id, at, service, platform,
 * line). When the release is final and every line is sent, an event named {@code end} carries its
 * status and the stream closes.
 *
 * <p>One thread polls the log of every followed release every {@link #POLL_INTERVAL}, so a follower
 * receives lines written by any server instance on the same database. A comment every {@link
 * #HEARTBEAT} keeps idle connections open. Thread-safe: only that thread writes to the streams.
 */
@Component
public class ReleaseLogFollowers implements SmartLifecycle {

  /** How often followed logs are read. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  /** Interval of the keep-alive comment. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  /** How long one follow request stays open; clients reconnect after it with Last-Event-ID. */
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  /** Maximum number of users following one release at once. */
  static final int MAX_PER_RELEASE = 50;

  private static final int PAGE = 500;
  private static final Logger log = LoggerFactory.getLogger(ReleaseLogFollowers.class);

  private final Map<Long, Set<Follower>> byRelease = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private final BuildLogRepository lines;
  private final ReleaseRepository releases;
  private final ObjectMapper json;
  private volatile boolean running;
  private long lastHeartbeat = System.nanoTime();

  /** One open stream; its fields are used on the poller thread only after construction. */
  private static final class Follower {
    final SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
    long afterId;

    Follower(long afterId) {
      this.afterId = afterId;
    }
  }

  public ReleaseLogFollowers(
      BuildLogRepository lines, ReleaseRepository releases, ObjectMapper json) {
    this.lines = lines;
    this.releases = releases;
    this.json = json;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "release-log-followers");
              thread.setDaemon(true);
              return thread;
            });
    poller.scheduleWithFixedDelay(
        this::poll, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts following the build log of {@code releaseId} from the line after {@code afterId} (0 for
   * the whole log). The stream opens with a comment; stored lines follow at the next poll.
   *
   * @throws ApiException {@code RELEASE_LOG_FOLLOWERS_EXCEEDED} when the release already has
   *     {@value #MAX_PER_RELEASE} followers
   */
  public SseEmitter follow(long releaseId, long afterId) {
    Follower follower = new Follower(afterId);
    byRelease.compute(
        releaseId,
        (id, followers) -> {
          Set<Follower> set = followers == null ? new CopyOnWriteArraySet<>() : followers;
          if (set.size() >= MAX_PER_RELEASE) {
            throw new ApiException(
                ErrorCode.RELEASE_LOG_FOLLOWERS_EXCEEDED,
                "Release "
                    + releaseId
                    + " already has "
                    + set.size()
                    + " log followers; close one, or read the log with GET"
                    + " /api/v1/releases/{id}/logs");
          }
          set.add(follower);
          return set;
        });
    Runnable drop = () -> remove(releaseId, follower);
    follower.emitter.onCompletion(drop);
    follower.emitter.onTimeout(drop);
    follower.emitter.onError(e -> drop.run());
    poller.execute(
        () ->
            send(
                releaseId, follower, SseEmitter.event().comment("following release " + releaseId)));
    return follower.emitter;
  }

  private void poll() {
    boolean heartbeat = System.nanoTime() - lastHeartbeat > HEARTBEAT.toNanos();
    if (heartbeat) {
      lastHeartbeat = System.nanoTime();
    }
    byRelease.forEach(
        (releaseId, followers) -> {
          try {
            poll(releaseId, followers, heartbeat);
          } catch (RuntimeException e) {
            log.warn(
                "Cannot send the build log of release {} to its followers: {}",
                releaseId,
                e.toString());
          }
        });
  }

  private void poll(long releaseId, Set<Follower> followers, boolean heartbeat) {
    // Read the status first: a release seen final here has all its lines stored already.
    ReleaseStatus status = releases.findById(releaseId).map(Release::status).orElse(null);
    for (Follower follower : followers) {
      if (!sendNewLines(releaseId, follower)) {
        continue;
      }
      if (status == null || status.isFinal()) {
        end(releaseId, follower, status);
      } else if (heartbeat) {
        send(releaseId, follower, SseEmitter.event().comment("keep-alive"));
      }
    }
  }

  /** Sends every stored line after the follower's last; false when the stream broke. */
  private boolean sendNewLines(long releaseId, Follower follower) {
    while (true) {
      List<BuildLogLine> page = lines.find(releaseId, follower.afterId, PAGE);
      for (BuildLogLine line : page) {
        SseEmitter.SseEventBuilder event =
            SseEmitter.event()
                .id(Long.toString(line.id()))
                .name("log")
                .data(json.writeValueAsString(ReleaseBodies.of(line)));
        if (!send(releaseId, follower, event)) {
          return false;
        }
        follower.afterId = line.id();
      }
      if (page.size() < PAGE) {
        return true;
      }
    }
  }

  private void end(long releaseId, Follower follower, ReleaseStatus status) {
    String data =
        json.writeValueAsString(Map.of("status", status == null ? "DELETED" : status.name()));
    if (send(releaseId, follower, SseEmitter.event().name("end").data(data))) {
      remove(releaseId, follower);
      follower.emitter.complete();
    }
  }

  private boolean send(long releaseId, Follower follower, SseEmitter.SseEventBuilder event) {
    try {
      follower.emitter.send(event);
      return true;
    } catch (IOException | IllegalStateException e) {
      // The client went away or the request timed out; a client that wants more reconnects.
      log.debug("Dropping a build log follower of release {}: {}", releaseId, e.toString());
      remove(releaseId, follower);
      follower.emitter.completeWithError(e);
      return false;
    }
  }

  private void remove(long releaseId, Follower follower) {
    byRelease.computeIfPresent(
        releaseId,
        (id, followers) -> {
          followers.remove(follower);
          return followers.isEmpty() ? null : followers;
        });
  }

  /** Returns how many users follow {@code releaseId} now. */
  public int count(long releaseId) {
    Set<Follower> followers = byRelease.get(releaseId);
    return followers == null ? 0 : followers.size();
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Ends every follow request before the web server waits for open requests at shutdown. */
  @Override
  public void stop() {
    running = false;
    poller.shutdownNow();
    byRelease.values().forEach(followers -> followers.forEach(f -> f.emitter.complete()));
    byRelease.clear();
  }
}
