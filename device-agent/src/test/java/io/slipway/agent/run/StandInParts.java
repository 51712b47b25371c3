package io.slipway.agent.run;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.LogLine;
import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.engine.ServiceRunner;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.store.OciReleaseStore;
import io.slipway.agent.store.ReleaseStore;
import io.slipway.agent.store.TinyImages;
import io.slipway.agent.terminal.Terminal;
import io.slipway.agent.update.UpdateProgress;
import io.slipway.agent.update.Updater;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.layout.OciLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The real store, and stand-ins for the updater and engine, in unit tests of the loop. The real
 * updater needs a registry and signed releases, the real runner a Docker engine; their own tests
 * cover them. The stand-in updater writes small images into the real store as a download would. All
 * parts write to one shared list of events, so that tests can check the order of a switch.
 */
final class StandInParts {

  final List<String> events;
  final RecordingStore store;
  private final TinyImages images = new TinyImages();
  final StandInUpdater updater = new StandInUpdater();
  final StandInRunner runner = new StandInRunner();

  StandInParts(Path dataDirectory, List<String> events) {
    this.events = events;
    this.store = new RecordingStore(OciReleaseStore.open(dataDirectory));
  }

  /** Returns a target state of {@code releaseId} with one service per name, images by digest. */
  static TargetState target(String etag, long releaseId, String... services) {
    Map<String, TargetService> byName = new HashMap<>();
    for (String name : services) {
      byName.put(
          name,
          new TargetService(name, image(name, releaseId), Map.of("A", "1"), Map.of(), Map.of()));
    }
    return new TargetState(etag, releaseId, "v" + releaseId, byName, Map.of());
  }

  static String image(String service, long releaseId) {
    return "127.0.0.1:5000/acme/fleet/" + service + "@" + digest(service + releaseId).value();
  }

  static Digest digest(String seed) {
    return Digest.of(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Writes a small image per service of {@code target} into the store's layout and returns the
   * release that names them, as the updater would after a download.
   */
  InstalledRelease installed(TargetState target) {
    Map<String, InstalledService> services = new HashMap<>();
    target
        .services()
        .values()
        .forEach(service -> services.put(service.name(), writeImage(service)));
    return new InstalledRelease(
        target.releaseId(), target.releaseVersion(), target.releaseId(), "sha256:doc", services);
  }

  /** Makes {@code target}'s release current, as a device that ran it before a restart has it. */
  void install(TargetState target) {
    store.commit(installed(target));
    events.clear();
  }

  private InstalledService writeImage(TargetService service) {
    Image image = images.image("layer of " + service.image());
    Digest manifest = image.manifestDigest();
    String refName = OciReleaseStore.refName(manifest);
    store.layout().writeImage(images, image, refName);
    Digest index = Digest.of(service.image().substring(service.image().indexOf('@') + 1));
    return new InstalledService(
        service.name(),
        service.image(),
        index,
        manifest,
        refName,
        service.environment(),
        service.labels(),
        service.configuration());
  }

  /** The real store, recording its commits and garbage collections in the shared events. */
  final class RecordingStore implements ReleaseStore {

    private final OciReleaseStore store;

    RecordingStore(OciReleaseStore store) {
      this.store = store;
    }

    @Override
    public Optional<InstalledRelease> current() {
      return store.current();
    }

    @Override
    public OciLayout layout() {
      return store.layout();
    }

    @Override
    public Path scratch() {
      return store.scratch();
    }

    @Override
    public void commit(InstalledRelease release) {
      events.add("commit " + release.releaseId());
      store.commit(release);
    }

    @Override
    public void collectGarbage(Optional<InstalledRelease> keep) {
      events.add("gc");
      store.collectGarbage(keep);
    }
  }

  final class StandInUpdater implements Updater {

    /** What the next prepare throws: an unchecked exception or an Error; null to succeed. */
    volatile Throwable failure;

    volatile long progressBytes = 10;

    @Override
    public Prepared prepare(TargetState target, UpdateProgress progress) {
      events.add("prepare " + target.releaseId());
      if (failure instanceof RuntimeException exception) {
        throw exception;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      Map<String, String> methods = new HashMap<>();
      for (String service : target.services().keySet()) {
        progress.progress(service, "delta", progressBytes, 100);
        methods.put(service, "delta");
      }
      return new Prepared(installed(target), methods, Map.of());
    }
  }

  final class StandInRunner implements ServiceRunner {

    final Set<String> locked = ConcurrentHashMap.newKeySet();
    final Map<String, String> running = new ConcurrentHashMap<>();
    volatile RuntimeException reconcileFailure;
    volatile RuntimeException checkFailure;

    /** Releases whose reconcile fails, as an image without a command does in the engine. */
    final Set<Long> failingReleases = ConcurrentHashMap.newKeySet();

    @Override
    public void load(InstalledRelease release, OciLayout layout) {
      events.add("load " + release.releaseId());
    }

    @Override
    public void check(InstalledRelease release) {
      events.add("check " + release.releaseId());
      if (checkFailure != null) {
        throw checkFailure;
      }
    }

    @Override
    public Set<String> heldLocks(Set<String> services) {
      Set<String> held = new TreeSet<>(services);
      held.retainAll(locked);
      return held;
    }

    @Override
    public void stop(Set<String> services) {
      events.add("stop " + new TreeSet<>(services));
      services.forEach(running::remove);
    }

    @Override
    public void reconcile(InstalledRelease release) {
      events.add("reconcile " + release.releaseId());
      if (reconcileFailure != null) {
        throw reconcileFailure;
      }
      if (failingReleases.contains(release.releaseId())) {
        running.clear();
        throw new AgentException(AgentFailure.ENGINE_FAILED, "No command specified");
      }
      running.clear();
      release.services().keySet().forEach(service -> running.put(service, "running"));
    }

    @Override
    public void restartService(String service) {
      throw new UnsupportedOperationException("restartService");
    }

    @Override
    public void stopService(String service) {
      throw new UnsupportedOperationException("stopService");
    }

    @Override
    public void startService(String service) {
      throw new UnsupportedOperationException("startService");
    }

    @Override
    public Terminal openTerminal(String service, int cols, int rows) {
      throw new UnsupportedOperationException("openTerminal");
    }

    @Override
    public AutoCloseable followLogs(Consumer<LogLine> sink) {
      return () -> {};
    }

    @Override
    public Map<String, String> status() {
      return Map.copyOf(running);
    }
  }
}
