package io.slipway.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    assertThat(err.toString()).contains("--poll-interval is '500ms': use at least 1s");
  }

  @Test
  void unknownStoreIsAUsageError() {
    int exitCode = simulate("--store", "memory");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("--store is 'memory'");
  }

  @Test
  void simulationWithoutDevicesIsAUsageError() {
    int exitCode = simulate("--devices", "0");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Option --devices is 0");
  }

  @Test
  void badDockerHostIsUsageError(@TempDir Path directory) {
    int exitCode = runIn(directory, "--docker-host", "http://127.0.0.1:1");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("'http://127.0.0.1:1'").contains("unix:///");
    assertThat(directory.resolve("data")).doesNotExist();
  }

  @Test
  void relativeBindRootIsAUsageError(@TempDir Path directory) {
    int exitCode = runIn(directory, "--allow-bind-root", "srv/data");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("'srv/data' is not absolute");
  }

  @Test
  void configDirectoryIsAUsageErrorNamingTheFile(@TempDir Path directory) {
    int exitCode = execute("run", "--config", directory.toString());

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains(directory.resolve("config.json").toString());
  }

  @Test
  void simulationWithoutThreadsIsAUsageError() {
    int exitCode = simulate("--threads", "0");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Option --threads is 0");
  }

  @Test
  void simulationOfMalformedFleetIsAUsageError() {
    int exitCode = simulate("--fleet", "Not/A/Fleet");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Option --fleet is 'Not/A/Fleet'");
  }

  @Test
  void simulationAgainstFtpServerIsAUsageError() {
    int exitCode = simulate("--server", "ftp://127.0.0.1:1/");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Option --server is 'ftp://127.0.0.1:1/'");
  }

  /**
   * Runs {@code run} with the config file config.json and the data directory data in {@code
   * directory}, followed by {@code options}.
   */
  private int runIn(Path directory, String... options) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "run",
                "--config",
                directory.resolve("config.json").toString(),
                "--data-dir",
                directory.resolve("data").toString()));
    arguments.addAll(List.of(options));
    return execute(arguments.toArray(String[]::new));
  }

  /**
   * Runs {@code simulate} with valid options, each of which {@code option} and {@code value} may
   * replace.
   */
  private int simulate(String option, String value) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("--devices", "1");
    options.put("--fleet", "acme/fleet");
    options.put("--device-type", "generic-amd64");
    options.put("--server", "http://127.0.0.1:1");
    options.put("--provisioning-key", "slp_key");
    options.put(option, value);
    List<String> arguments = new ArrayList<>(List.of("simulate"));
    options.forEach(
        (name, text) -> {
          arguments.add(name);
          arguments.add(text);
        });
    return execute(arguments.toArray(String[]::new));
  }
}
