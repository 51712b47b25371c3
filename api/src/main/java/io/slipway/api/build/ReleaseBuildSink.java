package io.slipway.api.build;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.BuildLogEntry;
import io.slipway.api.release.ImageReference;
import io.slipway.api.release.ReleaseService;
import io.slipway.api.release.ReleaseServiceImage;
import io.slipway.api.release.ReleaseStatus;
import io.slipway.builder.pipeline.BuiltService;
import io.slipway.builder.pipeline.ReleaseSink;
import io.slipway.builder.platform.Platform;
import io.slipway.registry.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reports the pipeline's log and outcome into {@link ReleaseService}. Log lines are collected per
 * release and appended in batches: every {@link #FLUSH_INTERVAL}, when {@link #BATCH} lines wait,
 * and before the release finishes. A successful build sets each service's image, pinned by the
 * digest of its index in the fleet's repository, and finishes the release {@code SUCCESS} in one
 * transaction; a failed one logs the reason and finishes it {@code FAILED}. Finishing a release
 * that is already final is logged and ignored. Either way the release's build directory is then
 * removed.
 *
 * <p>Safe for concurrent use: lines of one release keep the order in which they were logged.
 */
@Component
public class ReleaseBuildSink implements ReleaseSink, SmartLifecycle {

  /** How often waiting log lines are written. */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(250);

  /** Waiting lines of one release that make the caller write them at once. */
  static final int BATCH = 200;

  /** Maximum number of failure reason lines written to the log. Longer reasons keep their tail. */
  static final int MAX_REASON_LINES = 200;

  private static final Logger log = LoggerFactory.getLogger(ReleaseBuildSink.class);
  private static final Identity ACTOR = Identity.system("builder");

  private final ReleaseService releases;
  private final Registry registry;
  private final ServerRegistryAccess registryAccess;
  private final BuildDirectories directories;
  private final ConcurrentMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher;
  private volatile boolean running;

  /** Lines of one release waiting to be written; writes of one release hold {@code writing}. */
  private static final class Pending {
    final ReentrantLock writing = new ReentrantLock();
    List<BuildLogEntry> lines = new ArrayList<>();
  }

  public ReleaseBuildSink(
      ReleaseService releases,
      Registry registry,
      ServerRegistryAccess registryAccess,
      BuildDirectories directories) {
    this.releases = releases;
    this.registry = registry;
    this.registryAccess = registryAccess;
    this.directories = directories;
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "build-log-writer");
              thread.setDaemon(true);
              return thread;
            });
    flusher.scheduleWithFixedDelay(
        this::flushAll,
        FLUSH_INTERVAL.toMillis(),
        FLUSH_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void log(long releaseId, String service, Platform platform, String line) {
    BuildLogEntry entry =
        new BuildLogEntry(service, platform == null ? null : platform.toString(), line);
    Pending waiting = pending.computeIfAbsent(releaseId, id -> new Pending());
    int count;
    synchronized (waiting) {
      waiting.lines.add(entry);
      count = waiting.lines.size();
    }
    if (count >= BATCH) {
      flush(releaseId);
    }
  }

  @Override
  public void succeeded(long releaseId, List<BuiltService> services) {
    flush(releaseId);
    List<ReleaseServiceImage> images;
    try {
      images = images(releaseId, services);
    } catch (IllegalArgumentException | ApiException e) {
      failed(releaseId, e.getMessage());
      return;
    }
    try {
      releases.change(ACTOR, releaseId, images, Set.of(), ReleaseStatus.SUCCESS);
      log.info(
          "Release {} built: {}",
          releaseId,
          images.stream().map(image -> image.service() + "=" + image.image()).toList());
    } catch (ApiException e) {
      if (isFinal(e)) {
        log.info(
            "Release {} was already final when its build succeeded: {}", releaseId, e.getMessage());
      } else {
        log.warn("Release {} built but cannot finish SUCCESS: {}", releaseId, e.getMessage());
        failed(releaseId, e.getMessage());
        return;
      }
    }
    forget(releaseId);
  }

  @Override
  public void failed(long releaseId, String reason) {
    flush(releaseId);
    try {
      releases.appendEntries(releaseId, reasonLines(reason));
      releases.finish(ACTOR, releaseId, ReleaseStatus.FAILED);
      log.info("Release {} failed to build: {}", releaseId, firstLine(reason));
    } catch (ApiException e) {
      if (!isFinal(e)) {
        throw e;
      }
      log.info("Release {} was already final when its build failed", releaseId);
    }
    forget(releaseId);
  }

  /** Writes the waiting lines of every release; called by the timer. */
  private void flushAll() {
    for (Long releaseId : pending.keySet()) {
      try {
        flush(releaseId);
      } catch (RuntimeException e) {
        log.warn("Cannot write build log lines of release {}: {}", releaseId, e.toString());
      }
    }
  }

  /** Writes the waiting lines of one release, in order; drops them when it is already final. */
  private void flush(long releaseId) {
    Pending waiting = pending.get(releaseId);
    if (waiting == null) {
      return;
    }
    waiting.writing.lock();
    try {
      List<BuildLogEntry> lines;
      synchronized (waiting) {
        lines = waiting.lines;
        waiting.lines = new ArrayList<>();
      }
      for (int from = 0; from < lines.size(); from += ReleaseService.MAX_LOG_LINES_PER_CALL) {
        int to = Math.min(lines.size(), from + ReleaseService.MAX_LOG_LINES_PER_CALL);
        if (!append(releaseId, lines.subList(from, to))) {
          // The release is final or gone, so later lines would be dropped as well.
          pending.remove(releaseId, waiting);
          return;
        }
      }
    } finally {
      waiting.writing.unlock();
    }
  }

  /** Appends lines; returns false when the release no longer takes any. */
  private boolean append(long releaseId, List<BuildLogEntry> lines) {
    try {
      releases.appendEntries(releaseId, lines);
      return true;
    } catch (ApiException e) {
      if (!isFinal(e) && !ErrorCode.RELEASE_NOT_FOUND.name().equals(e.code())) {
        throw e;
      }
      log.debug(
          "Dropped {} build log lines of release {}: {}", lines.size(), releaseId, e.getMessage());
      return false;
    }
  }

  private void forget(long releaseId) {
    flush(releaseId);
    pending.remove(releaseId);
    directories.delete(releaseId);
  }

  private List<ReleaseServiceImage> images(long releaseId, List<BuiltService> services) {
    String host = registryAccess.imageHost();
    List<ReleaseServiceImage> images = new ArrayList<>();
    for (BuiltService service : services) {
      if (!registry.containsManifest(service.repository(), service.indexDigest())) {
        throw new IllegalArgumentException(
            "The image index "
                + service.repository()
                + "@"
                + service.indexDigest()
                + " of service '"
                + service.name()
                + "' is not in this registry, so release "
                + releaseId
                + " cannot finish SUCCESS");
      }
      ImageReference image = new ImageReference(host, service.repository(), service.indexDigest());
      images.add(
          new ReleaseServiceImage(
              service.name(),
              image,
              service.environment(),
              service.labels(),
              service.configuration()));
    }
    return images;
  }

  private static List<BuildLogEntry> reasonLines(String reason) {
    String text = reason == null || reason.isBlank() ? "the build failed" : reason;
    List<String> lines = Arrays.asList(text.split("\r?\n"));
    if (lines.size() > MAX_REASON_LINES) {
      lines = lines.subList(lines.size() - MAX_REASON_LINES, lines.size());
    }
    List<BuildLogEntry> entries = new ArrayList<>();
    entries.add(BuildLogEntry.of("Build failed: " + lines.get(0)));
    lines.subList(1, lines.size()).forEach(line -> entries.add(BuildLogEntry.of(line)));
    return entries;
  }

  private static String firstLine(String reason) {
    if (reason == null) {
      return "";
    }
    int newline = reason.indexOf('\n');
    return newline < 0 ? reason : reason.substring(0, newline);
  }

  private static boolean isFinal(ApiException e) {
    return ErrorCode.RELEASE_FINAL.name().equals(e.code());
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Writes what is waiting, then stops the timer. */
  @Override
  public void stop() {
    running = false;
    flusher.shutdown();
    flushAll();
  }
}
