package io.slipway.builder.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import org.junit.jupiter.api.Test;

/** Compose files that expand through aliases are rejected while they are read. */
class ComposeFileLimitsTest {

  @Test
  void rejectsAliasBombAtFieldLine() {
    String text =
        nested() + "services:\n  main:\n    image: acme/base/busybox:1.0\n    command: *i\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOfSatisfying(BuildInputException.class, e -> assertThat(e.line()).isEqualTo(13))
        .hasMessageContaining("docker-compose.yml:13")
        .hasMessageContaining("more than 100000 values");
  }

  @Test
  void rejectsTooManyCollectionAliases() {
    StringBuilder text = new StringBuilder("x-a: &a [1]\nx-many: [");
    for (int i = 0; i <= ComposeFile.MAX_COLLECTION_ALIASES; i++) {
      text.append(i == 0 ? "" : ",").append("*a");
    }
    text.append("]\nservices:\n  main:\n    image: busybox\n");

    assertThatThrownBy(() -> ComposeFile.parse(text.toString(), "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("docker-compose.yml")
        .hasMessageContaining("more than 100 aliases");
  }

  @Test
  void rejectsOverlongFile() {
    String text =
        "services:\n  main:\n    image: busybox\n# "
            + "x".repeat(ComposeFile.MAX_CODE_POINTS)
            + "\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOfSatisfying(BuildInputException.class, e -> assertThat(e.line()).isEqualTo(4))
        .hasMessageContaining("longer than 1000000 characters");
  }

  @Test
  void readsAliasesWithinLimits() {
    String text =
        "x-cmd: &cmd [sh, -c, 'echo hi']\nservices:\n  main:\n    image: busybox\n"
            + "    command: *cmd\n";

    ComposeFile file = ComposeFile.parse(text, "docker-compose.yml");

    assertThat(file.services().get(0).configuration().get("command"))
        .isEqualTo(java.util.List.of("sh", "-c", "echo hi"));
  }

  /** Nine anchors a..i, each a list of nine aliases of the one before. */
  private static String nested() {
    StringBuilder text =
        new StringBuilder("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    char previous = 'a';
    for (char level = 'b'; level <= 'i'; level++) {
      text.append("x-").append(level).append(": &").append(level).append(" [");
      for (int i = 0; i < 9; i++) {
        text.append(i == 0 ? "" : ",").append('*').append(previous);
      }
      text.append("]\n");
      previous = level;
    }
    return text.toString();
  }
}
