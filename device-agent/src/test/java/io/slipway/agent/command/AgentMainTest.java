package io.slipway.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentMainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... arguments) {
    CommandLine commandLine = AgentMain.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return commandLine.execute(arguments);
  }

  @Test
  void versionNamesTheBuild() {
    int exitCode = execute("--version");

    assertThat(exitCode).isZero();
    assertThat(out.toString()).startsWith("slipway-agent ").doesNotContain("unknown");
  }

  @Test
  void pollIntervalBelowOneSecondIsAUsageError() {
    int exitCode = execute("run", "--poll-interval", "500ms", "--config", "/nonexistent.json");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("--poll-interval is PT0.5S: use at least 1s");
  }

  @Test
  void unknownStoreIsAUsageError() {
    int exitCode =
        execute(
            "simulate",
            "--devices",
            "1",
            "--fleet",
            "acme/fleet",
            "--device-type",
            "generic-amd64",
            "--server",
            "http://127.0.0.1:1",
            "--provisioning-key",
            "slp_key",
            "--store",
            "memory");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("--store is 'memory'");
  }

  @Test
  void simulationWithoutDevicesIsAUsageError() {
    int exitCode =
        execute(
            "simulate",
            "--devices",
            "0",
            "--fleet",
            "acme/fleet",
            "--device-type",
            "generic-amd64",
            "--server",
            "http://127.0.0.1:1",
            "--provisioning-key",
            "slp_key");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Devices is 0");
  }
}
