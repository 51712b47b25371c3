package io.slipway.agent.command;

import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.control.ControlWiring;
import io.slipway.agent.control.SystemActions;
import io.slipway.agent.simulate.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway-agent simulate}: many virtual devices against one server, for load tests. Prints
 * one summary line on standard output when {@code --duration} ends or the process is asked to stop
 * (SIGTERM, SIGINT), or when the first registered device shows that the provisioning key belongs to
 * another fleet than {@code --fleet}. Exit code 0 when every device registered, 1 otherwise, 2 for
 * an invalid option. Options are checked before anything is created or sent. A temporary data
 * directory is removed at exit.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = "Runs many virtual devices in this JVM against a server, without containers.")
final class SimulateCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(SimulateCommand.class);

  @Spec CommandSpec spec;

  /** The temporary directory this run created, removed at exit; null with {@code --data-dir}. */
  private Path createdDirectory;

  @Option(names = "--devices", required = true, paramLabel = "N", description = "How many devices.")
  int devices;

  @Option(
      names = "--fleet",
      required = true,
      paramLabel = "ORG/FLEET",
      description = "The fleet the devices join.")
  String fleet;

  @Option(
      names = "--device-type",
      required = true,
      paramLabel = "SLUG",
      description = "The device type the devices register as, such as generic-amd64.")
  String deviceType;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The server's base URL; its registry and delta service too.")
  URI server;

  @Option(
      names = "--provisioning-key",
      required = true,
      paramLabel = "KEY",
      description = "A provisioning key of the fleet (slp_...).")
  String provisioningKey;

  @Option(
      names = "--store",
      paramLabel = "disk|none",
      description =
          "disk: download images into a store per device; none: verify releases, skip images"
              + " (default: ${DEFAULT-VALUE}).")
  String store = "none";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where each device keeps its files (default: a new temporary directory, removed at"
              + " exit).")
  Path dataDirectory;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      converter = DurationOption.class,
      description = "Each device's poll interval (default: 10s).")
  Duration pollInterval = Duration.ofSeconds(10);

  @Option(
      names = "--report-interval",
      paramLabel = "DURATION",
      converter = DurationOption.class,
      description = "Each device's minimum time between state reports (default: 10s).")
  Duration reportInterval = Duration.ofSeconds(10);

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationOption.class,
      description = "How long to run (default: until stopped).")
  Duration duration;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Threads shared by all devices (default: the number of devices, at most 16).")
  Integer threads;

  @Option(
      names = "--control-channel",
      description =
          "Opens each device's control channel when the server enables it (default: off, because"
              + " each channel costs threads). Reboot, shutdown and identify are only logged.")
  boolean controlChannel;

  @Override
  public Integer call() throws IOException, InterruptedException {
    checkOptions();
    Path directory = directory();
    Simulation simulation = new Simulation(settings(directory));
    AtomicBoolean reported = new AtomicBoolean();
    Runnable finish =
        () -> {
          simulation.close();
          if (reported.compareAndSet(false, true)) {
            System.out.println(simulation.summary());
            System.out.flush();
            removeTemporary(directory);
          }
        };
    Runtime.getRuntime().addShutdownHook(new Thread(finish, "simulation-stop"));

    simulation.start();
    String failure = simulation.awaitFailure(duration);
    finish.run();
    return failure == null && simulation.registered() == devices ? 0 : 1;
  }

  /** Checks every option before anything is created or sent. */
  private void checkOptions() {
    if (devices < 1) {
      throw usage("Option --devices is " + devices + ": simulate at least 1 device");
    }
    if (threads != null && threads < 1) {
      throw usage("Option --threads is " + threads + ": use at least 1 thread");
    }
    if (!AgentConfig.isFleetName(fleet)) {
      throw usage(
          "Option --fleet is '"
              + fleet
              + "': write ORG/FLEET in lower-case letters, digits and '-', such as acme/sensors");
    }
    String scheme = server.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || server.getHost() == null) {
      throw usage(
          "Option --server is '"
              + server
              + "': write the server's http or https URL, such as https://slipway.example.com");
    }
    if (!store.equals("disk") && !store.equals("none")) {
      throw usage("Option --store is '" + store + "': use disk or none");
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private Path directory() throws IOException {
    if (dataDirectory != null) {
      return Files.createDirectories(dataDirectory).toAbsolutePath();
    }
    Path temporary = Files.createTempDirectory("slipway-simulate-").toAbsolutePath();
    createdDirectory = temporary;
    return temporary;
  }

  /** Removes the directory this run created; a {@code --data-dir} is the caller's and stays. */
  private void removeTemporary(Path directory) {
    if (!directory.equals(createdDirectory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not remove the simulation's directory {}: {}", directory, e.toString());
    }
  }

  private Simulation.Settings settings(Path directory) {
    int poolSize = threads != null ? threads : Math.max(1, Math.min(devices, 16));
    try {
      return new Simulation.Settings(
          devices,
          fleet,
          deviceType,
          server,
          provisioningKey,
          store.equals("disk"),
          directory,
          pollInterval,
          reportInterval,
          poolSize,
          controlChannel
              ? new ControlWiring(new LoggedActions(), List.of(), AgentMain.version())
              : null);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** Logs reboot, shutdown and identify instead of acting on the machine the simulation runs on. */
  private static final class LoggedActions implements SystemActions {

    @Override
    public void reboot() {
      log.info("A simulated device would reboot now");
    }

    @Override
    public void shutdown() {
      log.info("A simulated device would shut down now");
    }

    @Override
    public boolean identify() {
      log.info("A simulated device would identify itself now");
      return false;
    }
  }
}
