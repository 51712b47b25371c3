package io.slipway.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.LogLine;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.terminal.Terminal;
import io.slipway.delta.image.Digest;
import io.slipway.delta.layout.OciLayout;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a release's services on a Docker-compatible engine through docker-java. Images come from the
 * store's OCI layout as streamed {@code docker load} archives (see {@link LoadArchive}); containers
 * are made from each service's compose configuration as {@link ContainerSpec} describes, with the
 * mounts {@link MountPolicy} allows. A container whose {@code io.slipway.spec} label matches the
 * one the release requests is kept, so a service that a new release leaves unchanged is not
 * restarted; its {@code io.slipway.release} label then still names the release that created it.
 * After bringing the containers in line, {@link #reconcile} removes the images this device loaded
 * that the release does not use, so old releases do not fill the device's disk.
 *
 * <p>Update locks live in {@code DATA/locks/SERVICE/updates.lock}; the directory is mounted at
 * {@code /tmp/slipway} and, for services written for balena, at {@code /tmp/balena}.
 *
 * <p>The engine resolves bind mounts on its own host, so the data directory and the allowed bind
 * directories must have the same paths for the agent as on that host. An agent that runs in a
 * container therefore mounts its data directory at the host's path, not elsewhere. Otherwise the
 * engine creates an empty directory at the path the agent named, and lock files go unseen.
 *
 * <p>Service commands: {@link #stopService} stops the service's container (the engine's stop, which
 * also keeps a restart policy from starting it again) and records the service as stopped by an
 * operator. {@link #reconcile} keeps such a service's container as it is: it neither starts a
 * stopped container nor creates a missing one, so the service stays stopped even after a
 * kill-then-download update removed its container. The record ends when {@link #startService} or
 * {@link #restartService} runs the service, or when a reconcile of another release starts it.
 *
 * <p>NOTE: the record lives in memory, so a restart of the agent starts the service again.
 *
 * <p>Thread-safety as {@link ServiceRunner} states: {@link #reconcile}, {@link #stop} and the
 * service commands hold this runner's lock. The docker-java client is thread-safe. Close the runner
 * to release its connections; containers keep running.
 */
public final class DockerServiceRunner implements ServiceRunner, AutoCloseable {

  /** The engine's default socket on Linux. */
  public static final URI DEFAULT_HOST = URI.create("unix:///var/run/docker.sock");

  /** The name of a service's lock file inside its lock directory. */
  public static final String LOCK_FILE = "updates.lock";

  /** The status of a service whose requested container does not exist yet. */
  public static final String INSTALLING = "installing";

  /** The status of a service whose requested container the engine could not create or start. */
  public static final String FAILED = "failed";

  /** How long the engine waits for a container to stop before it kills it, in seconds. */
  static final int STOP_SECONDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(DockerServiceRunner.class);

  private final DockerClient client;
  private final EngineNames names;
  private final Path locks;
  private final MountPolicy mounts;
  private final ImageLoader images;
  private final Containers containers;

  /** The request of the last {@link #reconcile} for each service, or null before the first. */
  private volatile Requested requested;

  /** The release of the last {@link #reconcile}, or null before the first. */
  private volatile InstalledRelease reconciled;

  /** Services an operator stopped in {@link #reconciled}; guarded by this runner's lock. */
  private final Set<String> stoppedByOperator = new TreeSet<>();

  /**
   * The services of a release being reconciled, the spec digest each one's container must carry,
   * and the engine's message for each one it could not run. The maps fill while reconcile runs.
   */
  private record Requested(
      Set<String> services, Map<String, String> specs, Map<String, String> failures) {}

  /**
   * Creates a runner over {@code client} for one device.
   *
   * @param client the engine's client; closed by {@link #close()}
   * @param deviceUuid the device's UUID, 32 hex digits
   * @param dataDir the agent's data directory; lock directories go under {@code locks/}
   * @param allowedBindRoots host directories a release may bind-mount from; empty allows none
   * @throws IllegalArgumentException naming the value when the UUID is malformed or a root is not
   *     absolute
   */
  public DockerServiceRunner(
      DockerClient client, String deviceUuid, Path dataDir, List<Path> allowedBindRoots) {
    this.client = client;
    this.names = new EngineNames(deviceUuid);
    this.locks = dataDir.resolve("locks");
    this.mounts = new MountPolicy(allowedBindRoots);
    this.images = new ImageLoader(client, names);
    this.containers = new Containers(client, names);
  }

  /**
   * Connects to the engine at {@code dockerHost} ({@code unix:///path} or {@code tcp://host:port},
   * plain TCP without TLS) and creates a runner; nothing is sent until the first call.
   *
   * @throws IllegalArgumentException naming the value when the host has another scheme
   */
  public static DockerServiceRunner connect(
      URI dockerHost, String deviceUuid, Path dataDir, List<Path> allowedBindRoots) {
    return new DockerServiceRunner(client(dockerHost), deviceUuid, dataDir, allowedBindRoots);
  }

  /**
   * Checks that {@code dockerHost} names an engine the agent can reach, without contacting it.
   *
   * @throws IllegalArgumentException naming the value when the host is neither unix nor tcp
   */
  public static void checkHost(URI dockerHost) {
    String scheme = dockerHost.getScheme();
    if (!"unix".equals(scheme) && !"tcp".equals(scheme)) {
      throw new IllegalArgumentException(
          "Docker host '"
              + dockerHost
              + "' is invalid: write unix:///path/docker.sock or"
              + " tcp://host:port");
    }
  }

  /**
   * Checks that every directory in {@code allowedBindRoots} is absolute, without reading them.
   *
   * @throws IllegalArgumentException naming the first directory that is not absolute
   */
  public static void checkBindRoots(List<Path> allowedBindRoots) {
    new MountPolicy(allowedBindRoots);
  }

  /**
   * Returns a docker-java client for the engine at {@code dockerHost}, with a 10 s connect timeout
   * and no response timeout (logs and loads stream for long).
   *
   * @throws IllegalArgumentException naming the value when the host is neither unix nor tcp
   */
  public static DockerClient client(URI dockerHost) {
    checkHost(dockerHost);
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(dockerHost.toString())
            .withDockerTlsVerify(false)
            .build();
    ZerodepDockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(dockerHost)
            .connectionTimeout(Duration.ofSeconds(10))
            .maxConnections(16)
            .build();
    return DockerClientImpl.getInstance(config, http);
  }

  @Override
  public void load(InstalledRelease release, OciLayout layout) {
    for (InstalledService service : sorted(release)) {
      engine(
          "loading the image of service " + service.name(),
          () -> {
            images.load(service, layout, release.releaseId());
            return null;
          });
    }
  }

  @Override
  public void check(InstalledRelease release) {
    for (InstalledService service : sorted(release)) {
      engine(
          "checking service " + service.name() + " of release " + release.releaseId(),
          () -> {
            check(service, release.releaseId());
            return null;
          });
    }
  }

  private void check(InstalledService service, long releaseId) {
    Digest imageId = images.imageId(service);
    ContainerSpec spec =
        ContainerSpec.of(service, releaseId, imageId, names, mounts, lockDir(service.name()));
    if (!spec.command().isEmpty() || !spec.entrypoint().isEmpty()) {
      return;
    }
    ContainerConfig config = client.inspectImageCmd(imageId.value()).exec().getConfig();
    boolean hasCommand =
        config != null && (notEmpty(config.getCmd()) || notEmpty(config.getEntrypoint()));
    if (!hasCommand) {
      throw new AgentException(
          AgentFailure.ENGINE_FAILED,
          "Service "
              + service.name()
              + " has no command: its image "
              + service.image()
              + " sets neither CMD nor ENTRYPOINT; set command in the service's configuration or"
              + " CMD in its image");
    }
  }

  private static boolean notEmpty(String[] words) {
    return words != null && words.length > 0;
  }

  @Override
  public Set<String> heldLocks(Set<String> services) {
    Set<String> locked = new TreeSet<>();
    for (String service : services) {
      if (Files.exists(lockDir(service).resolve(LOCK_FILE))) {
        locked.add(service);
      }
    }
    return locked;
  }

  @Override
  public synchronized void stop(Set<String> services) {
    Map<String, List<Container>> existing = engine("listing the containers", containers::byService);
    for (String service : new TreeSet<>(services)) {
      for (Container container : existing.getOrDefault(service, List.of())) {
        engine(
            "removing the container of service " + service,
            () -> {
              containers.remove(container);
              return null;
            });
      }
    }
  }

  @Override
  public synchronized void reconcile(InstalledRelease release) {
    Set<String> released = releaseOperatorStops(release);
    reconciled = release;
    Requested request =
        new Requested(
            Set.copyOf(release.services().keySet()),
            new ConcurrentHashMap<>(),
            new ConcurrentHashMap<>());
    requested = request;
    Map<String, List<Container>> existing = engine("listing the containers", containers::byService);
    for (InstalledService service : sorted(release)) {
      List<Container> current = existing.remove(service.name());
      try {
        engine(
            "running service " + service.name(),
            () -> {
              reconcile(
                  service,
                  release.releaseId(),
                  current == null ? List.of() : current,
                  released.contains(service.name()));
              return null;
            });
      } catch (AgentException e) {
        request.failures().put(service.name(), e.getMessage());
        throw e;
      }
    }
    for (Map.Entry<String, List<Container>> leftover : existing.entrySet()) {
      for (Container container : leftover.getValue()) {
        engine(
            "removing the container of service " + leftover.getKey(),
            () -> {
              containers.remove(container);
              return null;
            });
      }
    }

    Set<String> tags = new TreeSet<>();
    for (InstalledService service : release.services().values()) {
      tags.add(names.imageTag(service.name(), service.manifest()));
    }
    engine(
        "removing unused images",
        () -> {
          images.removeUnused(tags);
          return null;
        });
  }

  /**
   * Ends the operators' stops when {@code release} is another release than the last one.
   *
   * @return the services whose stop ended, which reconcile starts again
   */
  private Set<String> releaseOperatorStops(InstalledRelease release) {
    InstalledRelease last = reconciled;
    if (last == null || last.releaseId() == release.releaseId()) {
      return Set.of();
    }
    Set<String> released = Set.copyOf(stoppedByOperator);
    stoppedByOperator.clear();
    return released;
  }

  /**
   * Brings one service's containers in line with its spec.
   *
   * @param restart whether to start a matching container that does not run, because an operator's
   *     stop of it just ended
   */
  private void reconcile(
      InstalledService service, long releaseId, List<Container> current, boolean restart) {
    ContainerSpec spec =
        ContainerSpec.of(
            service, releaseId, images.imageId(service), names, mounts, lockDir(service.name()));
    Requested request = requested;
    if (request != null) {
      request.specs().put(service.name(), spec.specDigest());
    }
    createLockDir(service.name());

    Container keep = null;
    for (Container container : current) {
      boolean matches =
          spec.specDigest().equals(container.getLabels().get(ContainerSpec.SPEC_LABEL))
              && !"dead".equals(container.getState())
              && !"removing".equals(container.getState());
      if (matches && keep == null) {
        keep = container;
      } else {
        containers.remove(container);
      }
    }

    if (stoppedByOperator.contains(service.name())) {
      LOG.debug(
          "Service {} of device {} stays stopped, as an operator asked",
          service.name(),
          names.deviceUuid());
    } else if (keep == null) {
      containers.createAndStart(spec);
    } else if (restart && !"running".equals(keep.getState())) {
      containers.start(keep.getId(), service.name());
    } else if ("created".equals(keep.getState())) {
      // A crash between creating and starting left it; start it now.
      containers.start(keep.getId(), service.name());
    } else {
      LOG.debug("Container {} of service {} is up to date", keep.getId(), service.name());
    }
  }

  @Override
  public synchronized void restartService(String service) {
    InstalledService installed = requireService(service);
    stoppedByOperator.remove(service);
    Container container = requestedContainer(service);
    if (container == null) {
      startService(service);
      return;
    }
    engine(
        "restarting service " + service,
        () -> client.restartContainerCmd(container.getId()).withTimeout(STOP_SECONDS).exec());
    LOG.info(
        "Restarted container {} of service {} (image {}) on device {}",
        container.getId(),
        service,
        installed.image(),
        names.deviceUuid());
  }

  @Override
  public synchronized void stopService(String service) {
    requireService(service);
    stoppedByOperator.add(service);
    List<Container> existing =
        engine("listing the containers", containers::byService).getOrDefault(service, List.of());
    for (Container container : existing) {
      if (!"running".equals(container.getState()) && !"restarting".equals(container.getState())) {
        continue;
      }
      engine(
          "stopping service " + service,
          () -> client.stopContainerCmd(container.getId()).withTimeout(STOP_SECONDS).exec());
      LOG.info(
          "Stopped container {} of service {} on device {}",
          container.getId(),
          service,
          names.deviceUuid());
    }
  }

  @Override
  public synchronized void startService(String service) {
    InstalledService installed = requireService(service);
    stoppedByOperator.remove(service);
    Container container = requestedContainer(service);
    if (container != null && "running".equals(container.getState())) {
      return;
    }
    if (container != null) {
      engine(
          "starting service " + service,
          () -> {
            containers.start(container.getId(), service);
            return null;
          });
      return;
    }
    List<Container> current =
        engine("listing the containers", containers::byService).getOrDefault(service, List.of());
    engine(
        "running service " + service,
        () -> {
          reconcile(installed, reconciled.releaseId(), current, false);
          return null;
        });
  }

  @Override
  public Terminal openTerminal(String service, int cols, int rows) {
    requireService(service);
    Container container = requestedContainer(service);
    if (container == null || !"running".equals(container.getState())) {
      throw new IllegalArgumentException(
          "Service '"
              + service
              + "' does not run ("
              + (container == null ? "no container" : container.getState())
              + "): start it before opening a terminal in it");
    }
    return engine(
        "opening a terminal in service " + service,
        () -> ContainerShell.start(client, container.getId(), service, cols, rows));
  }

  /** Returns the service of the last reconciled release named {@code service}. */
  private InstalledService requireService(String service) {
    InstalledRelease release = reconciled;
    if (release == null || !release.services().containsKey(service)) {
      throw ServiceRunner.unknownService(service, release);
    }
    return release.services().get(service);
  }

  /**
   * Returns the container of {@code service} that carries the spec the last reconcile requested, a
   * running one first, or null when there is none.
   */
  private Container requestedContainer(String service) {
    Requested request = requested;
    String spec = request == null ? null : request.specs().get(service);
    if (spec == null) {
      return null;
    }
    List<Container> candidates =
        engine("listing the containers", containers::byService).getOrDefault(service, List.of());
    Container found = null;
    for (Container container : candidates) {
      if (!spec.equals(container.getLabels().get(ContainerSpec.SPEC_LABEL))) {
        continue;
      }
      found = container;
      if ("running".equals(container.getState())) {
        break;
      }
    }
    return found;
  }

  @Override
  public AutoCloseable followLogs(Consumer<LogLine> sink) {
    return engine("following container logs", () -> ContainerLogs.follow(client, names, sink));
  }

  /**
   * {@inheritDoc}
   *
   * <p>After a reconcile, only a container that carries the spec the reconciled release requests
   * counts, so a container left from an older release is not reported as the service running.
   * Before the first reconcile, each service's container counts, whatever release made it.
   */
  @Override
  public Map<String, String> status() {
    Map<String, List<Container>> existing = engine("listing the containers", containers::byService);
    Requested request = requested;
    return request == null ? anyContainerStatus(existing) : requestedStatus(request, existing);
  }

  private static Map<String, String> requestedStatus(
      Requested request, Map<String, List<Container>> existing) {
    Map<String, String> status = new TreeMap<>();
    for (String service : request.services()) {
      String spec = request.specs().get(service);
      String state = spec == null ? null : stateOf(existing.get(service), spec);
      if (state == null) {
        state = request.failures().containsKey(service) ? FAILED : INSTALLING;
      }
      status.put(service, state);
    }
    return status;
  }

  /** Returns the state of the container carrying {@code spec}, a running one first, or null. */
  private static String stateOf(List<Container> candidates, String spec) {
    String state = null;
    for (Container container : candidates == null ? List.<Container>of() : candidates) {
      if (!spec.equals(container.getLabels().get(ContainerSpec.SPEC_LABEL))) {
        continue;
      }
      state = container.getState();
      if ("running".equals(state)) {
        break;
      }
    }
    return state;
  }

  private static Map<String, String> anyContainerStatus(Map<String, List<Container>> existing) {
    Map<String, String> status = new TreeMap<>();
    for (Map.Entry<String, List<Container>> entry : existing.entrySet()) {
      String state = "exited";
      for (Container container : entry.getValue()) {
        state = container.getState();
        if ("running".equals(state)) {
          break;
        }
      }
      status.put(entry.getKey(), state);
    }
    return status;
  }

  /** Returns the host directory of {@code service}'s update lock. */
  public Path lockDir(String service) {
    return locks.resolve(EngineNames.requireName("service", service));
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      LOG.warn(
          "Closing the engine client of device {} failed: {}", names.deviceUuid(), e.toString());
    }
  }

  private void createLockDir(String service) {
    try {
      Files.createDirectories(lockDir(service));
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.ENGINE_FAILED,
          "Cannot create the update lock directory "
              + lockDir(service)
              + " of service "
              + service
              + ": "
              + e,
          e);
    }
  }

  private static List<InstalledService> sorted(InstalledRelease release) {
    List<InstalledService> services = new ArrayList<>(release.services().values());
    services.sort((a, b) -> a.name().compareTo(b.name()));
    return services;
  }

  /**
   * Runs one engine call and turns what docker-java throws into {@code ENGINE_FAILED}. docker-java
   * reports engine errors as {@code DockerException} and transport failures as plain runtime
   * exceptions, so both are caught here. An {@link AgentException} passes unchanged.
   *
   * @param step what the call does, such as {@code running service app}, for the message
   */
  private <T> T engine(String step, Supplier<T> call) {
    try {
      return call.get();
    } catch (AgentException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // Raised by ContainerSpec and MountPolicy; their messages name the service, key and fix.
      throw new AgentException(
          AgentFailure.ENGINE_FAILED, "Failed " + step + ": " + oneLine(e.getMessage()), e);
    } catch (RuntimeException e) {
      throw new AgentException(
          AgentFailure.ENGINE_FAILED,
          "The engine failed "
              + step
              + " of device "
              + names.deviceUuid()
              + ": "
              + oneLine(e.getMessage())
              + "; check that the engine runs and its log",
          e);
    }
  }

  /** Joins the lines of an engine's message, so that one failure logs as one line. */
  static String oneLine(String message) {
    return message == null ? "no message" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
