package io.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the CLI takes the home directory from. */
class CliEnvironmentTest {

  @Test
  void absoluteHomeVariableWinsOverUserHome() {
    Path home = CliEnvironment.home(Map.of("HOME", "/srv/ci"), "/home/builder");

    assertThat(home).isEqualTo(Path.of("/srv/ci"));
  }

  @Test
  void relativeHomeVariableFallsBackToUserHome() {
    Path home = CliEnvironment.home(Map.of("HOME", "ci"), "/home/builder");

    assertThat(home).isEqualTo(Path.of("/home/builder"));
  }

  @Test
  void unsetHomeVariableFallsBackToUserHome() {
    Path home = CliEnvironment.home(Map.of(), "/home/builder");

    assertThat(home).isEqualTo(Path.of("/home/builder"));
  }
}
