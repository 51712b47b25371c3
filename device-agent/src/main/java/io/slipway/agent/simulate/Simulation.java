package io.slipway.agent.simulate;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.FleetInfo;
import io.slipway.agent.client.HttpDeviceApi;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.control.ControlChannelFactory;
import io.slipway.agent.engine.NoContainers;
import io.slipway.agent.provision.Registration;
import io.slipway.agent.run.AgentLoop;
import io.slipway.agent.run.AgentParts;
import io.slipway.agent.run.AgentWiring;
import io.slipway.agent.trust.TrustStore;
import io.slipway.agent.update.SignatureOnlyUpdater;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many virtual devices in one JVM, for load tests of a server. Each device runs the agent's own
 * loop ({@link AgentLoop}): it registers with the provisioning key, polls its target state,
 * verifies the signed state and release, switches and reports, exactly as a device does. Devices
 * run no containers ({@link NoContainers} reports every service running); their images are either
 * downloaded into a store per device, or skipped. All devices share one thread pool, which also
 * sends their reports.
 *
 * <p>Thread-safe.
 */
public final class Simulation implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Simulation.class);

  /** The OS version simulated devices register and report with. */
  static final String OS_VERSION = "slipway-simulated 1";

  /**
   * The settings of a simulation.
   *
   * @param devices how many devices, 1 or more
   * @param fleet the fleet, {@code ORG/FLEET}
   * @param deviceType the device type slug the devices register as
   * @param server the server's base URL, also used as registry and delta endpoint
   * @param provisioningKey the fleet's provisioning key; never logged
   * @param storeImages true to download images into a store per device, false to skip them
   * @param dataDirectory where each device gets its directory {@code device-NNNNN}
   * @param pollInterval each device's poll interval
   * @param reportInterval each device's minimum time between state reports
   * @param threads the size of the shared thread pool
   * @param controlChannel what makes each device's control channel, or null for none: each channel
   *     costs a few threads of its own (Paho's and the channel's), so large simulations run without
   *     it
   */
  public record Settings(
      int devices,
      String fleet,
      String deviceType,
      URI server,
      String provisioningKey,
      boolean storeImages,
      Path dataDirectory,
      Duration pollInterval,
      Duration reportInterval,
      int threads,
      ControlChannelFactory controlChannel) {

    /**
     * @throws IllegalArgumentException naming the value out of range
     */
    public Settings {
      if (devices < 1) {
        throw new IllegalArgumentException("Devices is " + devices + ": simulate at least 1");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("Threads is " + threads + ": use at least 1");
      }
      Objects.requireNonNull(fleet, "fleet");
      Objects.requireNonNull(deviceType, "deviceType");
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(provisioningKey, "provisioningKey");
      Objects.requireNonNull(dataDirectory, "dataDirectory");
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(reportInterval, "reportInterval");
    }

    @Override
    public String toString() {
      return "Settings[devices="
          + devices
          + ", fleet="
          + fleet
          + ", server="
          + server
          + ", storeImages="
          + storeImages
          + ", provisioningKey=****]";
    }
  }

  private final Settings settings;
  private final SimulationStats stats = new SimulationStats();
  private final ScheduledThreadPoolExecutor pool;
  private final List<AgentLoop> loops = new CopyOnWriteArrayList<>();
  private final AtomicBoolean fleetChecked = new AtomicBoolean();
  private final CountDownLatch failed = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile String failure;

  public Simulation(Settings settings) {
    this.settings = settings;
    AtomicInteger number = new AtomicInteger();
    this.pool =
        new ScheduledThreadPoolExecutor(
            settings.threads(),
            task -> {
              Thread thread = new Thread(task, "simulated-devices-" + number.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts every device, each after a random delay of up to one second so that they do not all
   * register in the same instant. Returns at once.
   */
  public void start() {
    log.info("Simulation starts with {}", settings);
    for (int index = 0; index < settings.devices(); index++) {
      int device = index;
      long delay = ThreadLocalRandom.current().nextLong(1_000);
      pool.schedule(() -> startDevice(device), delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Waits until the simulation fails as a whole or {@code timeout} passes; a null timeout waits
   * without end.
   *
   * @return the failure's message, or null when {@code timeout} passed without one
   * @throws InterruptedException when the calling thread is interrupted
   */
  public String awaitFailure(Duration timeout) throws InterruptedException {
    if (timeout == null) {
      failed.await();
    } else {
      failed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return failure;
  }

  /** Returns how many devices registered and started their loop so far. */
  public long registered() {
    return stats.registered();
  }

  /** Returns the one-line summary of what the devices did so far. */
  public String summary() {
    return stats.summary(settings.devices());
  }

  /** Stops every device and the thread pool; idempotent. */
  @Override
  public void close() {
    closed = true;
    pool.shutdownNow();
    loops.forEach(AgentLoop::close);
  }

  private void startDevice(int index) {
    if (closed) {
      return;
    }
    Path directory = settings.dataDirectory().resolve(String.format("device-%05d", index));
    AgentLoop loop =
        AgentLoop.builder()
            .dataDirectory(directory)
            .provisioning(
                new Registration(
                    new MemoryConfigFile(directory.resolve("config.json"), config()),
                    directory,
                    HttpDeviceApi::create,
                    OS_VERSION))
            .parts(config -> parts(config, directory))
            .pollInterval(settings.pollInterval())
            .reportInterval(settings.reportInterval())
            .osVersion(OS_VERSION)
            .scheduler(pool)
            .forwardLogs(false)
            .events(stats)
            .controlChannel(settings.controlChannel())
            .build();
    loops.add(loop);
    try {
      loop.start();
      scheduleRound(loop, Duration.ZERO);
    } catch (AgentException e) {
      stats.failedToStart();
      log.error("Simulated device {} cannot start ({}): {}", index, e.failure(), e.getMessage());
    } catch (RuntimeException e) {
      // The pool would keep this to itself; the summary and the log must show it.
      stats.failedToStart();
      log.error("Simulated device {} cannot start: {}", index, e.toString());
      log.debug("Simulated device {} failed to start", index, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void scheduleRound(AgentLoop loop, Duration delay) {
    if (closed) {
      return;
    }
    pool.schedule(() -> scheduleRound(loop, loop.round()), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private AgentConfig config() {
    URI server = settings.server();
    // NOTE: the fleet id is a placeholder. The server finds the fleet by the provisioning key, and
    // the agent never sends the id, so simulated devices need not know it.
    return new AgentConfig(
        1,
        settings.fleet(),
        settings.deviceType(),
        settings.provisioningKey(),
        null,
        null,
        server,
        server,
        server,
        null,
        settings.pollInterval(),
        List.of());
  }

  private AgentParts parts(AgentConfig config, Path directory) {
    if (fleetChecked.compareAndSet(false, true)) {
      try {
        checkFleet(config);
      } catch (AgentException e) {
        // The next device to register checks again, unless this one found a mismatch.
        fleetChecked.set(failure != null);
        throw e;
      }
    }
    if (settings.storeImages()) {
      return AgentWiring.parts(config, directory, device -> new NoContainers());
    }
    HttpDeviceApi api = HttpDeviceApi.create(config);
    MemoryReleaseStore store = new MemoryReleaseStore(directory);
    TrustStore trust =
        TrustStore.open(directory.resolve(AgentWiring.TRUST_FILE), config.trustedKeys());
    SignatureOnlyUpdater updater =
        new SignatureOnlyUpdater(api, store, trust, config.uuid(), Clock.systemUTC());
    return new AgentParts(api, store, updater, new NoContainers());
  }

  /**
   * Checks, with the first device that registered, that the provisioning key belongs to the fleet
   * the simulation was asked for. The server places a device by its key alone, so a wrong key would
   * otherwise fill another fleet unnoticed. On a mismatch, stops every device and raises {@code
   * INVALID_CONFIG}, which the caller logs.
   */
  private void checkFleet(AgentConfig config) {
    FleetInfo joined = HttpDeviceApi.create(config).fleet();
    String name = joined.org() + "/" + joined.slug();
    if (name.equals(settings.fleet())) {
      return;
    }
    failure =
        "Device "
            + config.uuid()
            + " joined fleet "
            + name
            + ", not "
            + settings.fleet()
            + ": pass --fleet "
            + name
            + " or a provisioning key of fleet "
            + settings.fleet();
    failed.countDown();
    close();
    throw new AgentException(AgentFailure.INVALID_CONFIG, failure);
  }
}
