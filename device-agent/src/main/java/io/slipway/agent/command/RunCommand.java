package io.slipway.agent.command;

import io.slipway.agent.AgentException;
import io.slipway.agent.client.HttpDeviceApi;
import io.slipway.agent.config.JsonConfigFile;
import io.slipway.agent.control.ControlWiring;
import io.slipway.agent.control.ExecSystemActions;
import io.slipway.agent.engine.DockerServiceRunner;
import io.slipway.agent.provision.Registration;
import io.slipway.agent.run.AgentLoop;
import io.slipway.agent.run.AgentWiring;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway-agent run}: the agent of one device, until SIGTERM or SIGINT. Exit code 0 after a
 * stop, 1 when the agent cannot start (invalid config.json, another agent on the data directory, a
 * rejected provisioning key) or stops on an unexpected error, 2 for an invalid option. Options are
 * checked before the agent locks its data directory or contacts the server.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = "Runs the agent of this device: joins its fleet, updates and reports.")
final class RunCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "PATH",
      description = "The device's config.json (default: ${DEFAULT-VALUE}).")
  Path config = Path.of("/mnt/boot/config.json");

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The agent's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDirectory = Path.of("/var/lib/slipway-agent");

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      converter = DurationOption.class,
      description = "Overrides config.json's poll interval, such as 1s or 10m; at least 1s.")
  Duration pollInterval;

  @Option(
      names = "--report-interval",
      paramLabel = "DURATION",
      converter = DurationOption.class,
      description = "The minimum time between two state reports (default: 10s).")
  Duration reportInterval = Duration.ofSeconds(10);

  @Option(
      names = "--docker-host",
      paramLabel = "URI",
      description =
          "The container engine: unix:///path or tcp://host:port (default: ${DEFAULT-VALUE}).")
  URI dockerHost = DockerServiceRunner.DEFAULT_HOST;

  @Option(
      names = "--os-version",
      paramLabel = "TEXT",
      description = "The OS version to report (default: PRETTY_NAME of /etc/os-release).")
  String osVersion;

  @Option(
      names = "--allow-bind-root",
      paramLabel = "DIR",
      description =
          "A host directory that services may bind-mount from; repeatable. None by default.")
  List<Path> bindRoots = new ArrayList<>();

  @Option(
      names = "--reboot-command",
      paramLabel = "COMMAND",
      description =
          "What the reboot command runs, split on spaces, without a shell (default:"
              + " ${DEFAULT-VALUE}).")
  String rebootCommand = "reboot";

  @Option(
      names = "--shutdown-command",
      paramLabel = "COMMAND",
      description =
          "What the shutdown command runs, split on spaces, without a shell (default:"
              + " ${DEFAULT-VALUE}).")
  String shutdownCommand = "poweroff";

  @Option(
      names = "--identify-command",
      paramLabel = "COMMAND",
      description =
          "What the identify command runs, such as one that blinks an LED, split on spaces"
              + " (default: none, only a log line).")
  String identifyCommand;

  @Option(
      names = "--terminal-shell",
      paramLabel = "PATH",
      description =
          "The shell of terminals on the host, started as a login shell (default: $SHELL, else"
              + " /bin/sh).")
  String terminalShell;

  @Override
  public Integer call() throws InterruptedException {
    checkOptions();
    String os = osVersion != null ? osVersion : OsRelease.read(Path.of("/etc/os-release"));
    Path data = dataDirectory.toAbsolutePath();
    AtomicReference<String> deviceUuid = new AtomicReference<>("not yet registered");
    AtomicBoolean finished = new AtomicBoolean();

    AgentLoop loop =
        AgentLoop.builder()
            .dataDirectory(data)
            .provisioning(
                new Registration(new JsonConfigFile(config), data, HttpDeviceApi::create, os))
            .parts(
                registered -> {
                  deviceUuid.set(registered.uuid());
                  return AgentWiring.parts(
                      registered,
                      data,
                      device ->
                          DockerServiceRunner.connect(dockerHost, device.uuid(), data, bindRoots));
                })
            .pollInterval(pollInterval)
            .reportInterval(reportInterval)
            .osVersion(os)
            .controlChannel(controlWiring())
            .build();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> stop(loop, deviceUuid.get(), finished), "slipway-agent-stop"));
    try {
      loop.run();
      return 0;
    } catch (AgentException e) {
      log.error("The agent cannot start ({}): {}", e.failure(), e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      log.error("The agent stopped on an unexpected error: {}", AgentMain.describe(e));
      return 1;
    } finally {
      finished.set(true);
      loop.close();
    }
  }

  /** Checks every option before the agent locks its data directory or contacts the server. */
  private void checkOptions() {
    requireMinimum("--poll-interval", pollInterval);
    requireMinimum("--report-interval", reportInterval);
    if (Files.isDirectory(config)) {
      throw new ParameterException(
          spec.commandLine(),
          "Option --config is '"
              + config
              + "', a directory: pass the config.json file, such as "
              + config.resolve("config.json"));
    }
    requireCommand("--reboot-command", rebootCommand);
    requireCommand("--shutdown-command", shutdownCommand);
    try {
      DockerServiceRunner.checkHost(dockerHost);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Option --docker-host: " + e.getMessage());
    }
    try {
      DockerServiceRunner.checkBindRoots(bindRoots);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "Option --allow-bind-root: " + e.getMessage());
    }
  }

  private ControlWiring controlWiring() {
    return new ControlWiring(
        new ExecSystemActions(rebootCommand, shutdownCommand, identifyCommand),
        ControlWiring.loginShell(terminalShell, System.getenv("SHELL")),
        AgentMain.version());
  }

  private void requireMinimum(String option, Duration value) {
    if (value != null && value.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ParameterException(
          spec.commandLine(), "Option " + option + " is '" + typed(option) + "': use at least 1s");
    }
  }

  private void requireCommand(String option, String command) {
    if (command == null || command.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "Option " + option + " is empty: give a program and its arguments");
    }
  }

  /** Returns the text given for {@code option} on the command line, as typed. */
  private String typed(String option) {
    OptionSpec matched = spec.commandLine().getParseResult().matchedOption(option);
    return matched == null ? "" : String.join(" ", matched.originalStringValues());
  }

  private static void stop(AgentLoop loop, String device, AtomicBoolean finished) {
    if (!finished.get()) {
      log.info("Stopping the agent of device {} on request", device);
    }
    loop.close();
  }
}
