package io.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SlipwayCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = SlipwayCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void versionPrintsProjectVersion() {
    int exitCode = run("--version");

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .startsWith("slipway ")
        .doesNotContain("unknown")
        .doesNotContain("${");
  }

  @Test
  void helpListsServerCommand() {
    int exitCode = run("--help");

    assertThat(exitCode).isZero();
    assertThat(out.toString()).contains("server");
  }

  @Test
  void serverHelpDescribesOptions() {
    int exitCode = run("server", "--help");

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .contains("--data-dir=DIR")
        .contains("--port=N")
        .contains("--property");
  }

  @Test
  void missingSubcommandIsUsageError() {
    int exitCode = run();

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Missing subcommand");
  }

  @Test
  void portOutOfRangeIsUsageError() {
    int exitCode = run("server", "--port", "70000");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("70000 is not a TCP port");
  }
}
