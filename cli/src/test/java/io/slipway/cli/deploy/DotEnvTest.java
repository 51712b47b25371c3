package io.slipway.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.cli.CommandFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code .env} file next to a compose file. */
class DotEnvTest {

  @TempDir Path directory;

  private Map<String, String> read(String text) throws IOException {
    Files.writeString(directory.resolve(".env"), text);
    return DotEnv.read(directory, Map.of("HOST", "reg"));
  }

  @Test
  void missingFileHasNoVariables() {
    assertThat(DotEnv.read(directory, Map.of())).isEmpty();
  }

  @Test
  void readsEachQuotingForm() throws IOException {
    Map<String, String> variables =
        read(
            "# registry\n\nexport A=plain value # comment\nB='${HOST} kept'\n"
                + "C=\"${HOST}:${A}\\n\"\nD=x=y\n");

    assertThat(variables)
        .containsEntry("A", "plain value")
        .containsEntry("B", "${HOST} kept")
        .containsEntry("C", "reg:plain value\n")
        .containsEntry("D", "x=y");
  }

  @Test
  void invalidLineNamesFileAndLine() throws IOException {
    Files.writeString(directory.resolve(".env"), "A=1\nnot a variable\n");

    assertThatThrownBy(() -> DotEnv.read(directory, Map.of()))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining(".env:2");
  }

  @Test
  void unclosedQuoteIsAnError() {
    assertThatThrownBy(() -> read("A=\"open\n"))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("no closing");
  }
}
