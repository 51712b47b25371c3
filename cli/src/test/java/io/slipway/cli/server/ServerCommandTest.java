package io.slipway.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServerCommandTest {

  private static ServerCommand parse(String... args) {
    ServerCommand command = new ServerCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void optionsBecomeSpringArguments() {
    ServerCommand command =
        parse(
            "--data-dir",
            "/srv/slipway",
            "--port",
            "8081",
            "--property",
            "slipway.registry.anonymous-pull=true");

    assertThat(command.springArguments())
        .containsExactly(
            "--slipway.data-dir=/srv/slipway",
            "--server.port=8081",
            "--slipway.registry.anonymous-pull=true");
  }

  @Test
  void freePortAlsoFreesControlListeners() {
    ServerCommand command = parse("--port", "0");

    assertThat(command.springArguments())
        .containsExactly(
            "--server.port=0",
            "--slipway.control.embedded.tls-port=0",
            "--slipway.control.ssh.port=0");
  }

  @Test
  void freePortKeepsExplicitControlPorts() {
    ServerCommand command = parse("--port", "0", "--property", "slipway.control.ssh.port=-1");

    assertThat(command.springArguments())
        .containsExactly(
            "--server.port=0",
            "--slipway.control.embedded.tls-port=0",
            "--slipway.control.ssh.port=-1");
  }

  @Test
  void relativeDataDirectoryBecomesAbsolute() {
    ServerCommand command = parse("--data-dir", "state");

    assertThat(command.springArguments())
        .containsExactly("--slipway.data-dir=" + Path.of("state").toAbsolutePath());
  }

  @Test
  void noOptionsLeaveSpringDefaults() {
    assertThat(parse().springArguments()).isEmpty();
  }
}
