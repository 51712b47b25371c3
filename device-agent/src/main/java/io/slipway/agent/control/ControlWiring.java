package io.slipway.agent.control;

import io.slipway.agent.DeviceAgent;
import io.slipway.agent.client.HttpDeviceApi;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.engine.ServiceRunner;
import io.slipway.agent.terminal.HostShell;
import io.slipway.agent.terminal.Terminal;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Objects;

/**
 * Builds a device's {@link ControlChannel} with a handler for every command: power and identify
 * through {@link SystemActions}, services and container terminals through the device's {@link
 * ServiceRunner}, {@code update} through {@link DeviceAgent#targetChanged()}, and host terminals
 * with {@link HostShell}. Immutable and thread-safe.
 *
 * @param actions what reboot, shutdown and identify run
 * @param hostShell the host shell's command line, such as {@code [/bin/sh, -l]}, or empty when the
 *     device opens no terminal on its host
 * @param agentVersion the version the presence message reports
 */
public record ControlWiring(SystemActions actions, List<String> hostShell, String agentVersion)
    implements ControlChannelFactory {

  public ControlWiring {
    Objects.requireNonNull(actions, "actions");
    hostShell = List.copyOf(hostShell);
    Objects.requireNonNull(agentVersion, "agentVersion");
  }

  /**
   * Returns the host shell for a {@code --terminal-shell} option or the {@code SHELL} variable: the
   * program with {@code -l}, or {@code /bin/sh -l} when both are null or blank.
   */
  public static List<String> loginShell(String option, String environment) {
    String shell = option != null && !option.isBlank() ? option : environment;
    if (shell == null || shell.isBlank()) {
      shell = "/bin/sh";
    }
    return List.of(shell.strip(), "-l");
  }

  @Override
  public ControlChannel create(AgentConfig config, ServiceRunner runner, DeviceAgent agent) {
    PowerCommands power = new PowerCommands(config.uuid(), actions);
    ServiceCommands services = new ServiceCommands(runner);
    HttpClient client = HttpDeviceApi.newClient(OpenTerminalCommand.DIAL_TIMEOUT);
    OpenTerminalCommand terminals =
        new OpenTerminalCommand(
            config.uuid(),
            config.deviceApiKey(),
            config.apiEndpoint(),
            client,
            (service, cols, rows) -> terminal(runner, service, cols, rows));
    return ControlChannel.builder()
        .device(config.uuid())
        .deviceKey(config.deviceApiKey())
        .endpointOverride(config.controlEndpoint())
        .agentVersion(agentVersion)
        .handler(CommandType.REBOOT, power::reboot)
        .handler(CommandType.SHUTDOWN, power::shutdown)
        .handler(CommandType.IDENTIFY, power::identify)
        .handler(CommandType.RESTART_SERVICE, services::restart)
        .handler(CommandType.STOP_SERVICE, services::stop)
        .handler(CommandType.START_SERVICE, services::start)
        .handler(
            CommandType.UPDATE,
            command -> {
              agent.targetChanged();
              return CommandHandler.Reply.of("polling the target state");
            })
        .handler(CommandType.OPEN_TERMINAL, terminals::open)
        .closing(terminals)
        .build();
  }

  private Terminal terminal(ServiceRunner runner, String service, int cols, int rows) {
    if (service != null) {
      return runner.openTerminal(service, cols, rows);
    }
    if (hostShell.isEmpty()) {
      throw new IllegalStateException("This device opens no terminal on its host");
    }
    return HostShell.start(hostShell, cols, rows);
  }
}
