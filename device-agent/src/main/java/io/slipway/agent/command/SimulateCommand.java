package io.slipway.agent.command;

import io.slipway.agent.simulate.Simulation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway-agent simulate}: many virtual devices against one server, for load tests. Prints
 * one summary line on standard output when {@code --duration} ends or the process is asked to stop
 * (SIGTERM, SIGINT). Exit code 0 when every device registered, 1 otherwise.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = "Runs many virtual devices in this JVM against a server, without containers.")
final class SimulateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

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
      description = "Where each device keeps its files (default: a new temporary directory).")
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

  @Override
  public Integer call() throws IOException, InterruptedException {
    Simulation simulation = new Simulation(settings());
    AtomicBoolean reported = new AtomicBoolean();
    Runnable finish =
        () -> {
          simulation.close();
          if (reported.compareAndSet(false, true)) {
            System.out.println(simulation.summary());
            System.out.flush();
          }
        };
    Runtime.getRuntime().addShutdownHook(new Thread(finish, "simulation-stop"));

    simulation.start();
    if (duration == null) {
      Thread.currentThread().join();
    }
    TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    finish.run();
    return simulation.registered() == devices ? 0 : 1;
  }

  private Simulation.Settings settings() throws IOException {
    if (!store.equals("disk") && !store.equals("none")) {
      throw new ParameterException(
          spec.commandLine(), "Option --store is '" + store + "': use disk or none");
    }
    Path directory =
        dataDirectory != null
            ? Files.createDirectories(dataDirectory)
            : Files.createTempDirectory("slipway-simulate-");
    int poolSize = threads != null ? threads : Math.max(1, Math.min(devices, 16));
    try {
      return new Simulation.Settings(
          devices,
          fleet,
          deviceType,
          server,
          provisioningKey,
          store.equals("disk"),
          directory.toAbsolutePath(),
          pollInterval,
          reportInterval,
          poolSize);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
