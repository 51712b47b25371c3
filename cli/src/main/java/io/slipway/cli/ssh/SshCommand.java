package io.slipway.cli.ssh;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.client.Connection;
import io.slipway.cli.config.ServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway ssh DEVICE [SERVICE]}: an interactive shell on a device, or in one of its
 * services' containers, through the server's terminal WebSocket. Exits with the shell's exit code.
 */
@Command(
    name = "ssh",
    mixinStandardHelpOptions = true,
    description = {
      "Opens a shell on device DEVICE (its UUID), or inside the container of its service SERVICE,"
          + " through the server. The device must be connected to the control channel.",
      "At a terminal, the local terminal is put in raw mode until the shell ends, so that Ctrl-C"
          + " and full-screen programs work on the device; window size changes are passed on."
          + " Standard input may also be a pipe.",
      "Exits with the shell's exit code. When the session cannot be opened it exits with the"
          + " codes below."
    })
public class SshCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", paramLabel = "DEVICE", description = "The device's UUID.")
  String device;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "SERVICE",
      description = "A service of the device's release; its container runs the shell.")
  String service;

  SshCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    Connection connection = serverOptions.connection(environment);
    TextSink output = new TextSink(spec.commandLine().getOut());

    try (LocalTerminal local = LocalTerminal.of(environment)) {
      TerminalSocket terminal =
          TerminalSocket.open(connection, device, service, local.size(), output);
      local.onResize(terminal::resize);
      Thread input = new Thread(() -> copyInput(environment.in(), terminal), "slipway-ssh-input");
      input.setDaemon(true);
      input.start();
      return terminal.awaitExit();
    }
  }

  /**
   * Copies standard input to the device until it ends. The session goes on after the end of a piped
   * input, until the device's shell exits.
   */
  private static void copyInput(InputStream in, TerminalSocket terminal) {
    byte[] buffer = new byte[8192];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        if (read > 0) {
          terminal.type(buffer, read);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The session ended or input failed; awaitExit reports how the session ended.
    }
  }
}
