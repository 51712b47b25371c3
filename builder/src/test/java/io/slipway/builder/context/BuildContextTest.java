package io.slipway.builder.context;

import static io.slipway.builder.context.ContextFixture.link;
import static io.slipway.builder.context.ContextFixture.mode;
import static io.slipway.builder.context.ContextFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {

  @TempDir Path root;

  @BeforeEach
  void project() throws IOException {
    write(root, "Dockerfile", "FROM scratch\nCOPY . /\n");
    write(root, "src/main.c", "int main() { return 0; }\n");
    write(root, "src/util.c", "void util() {}\n");
    write(root, "node_modules/x/index.js", "module.exports = 1;\n");
    write(root, "docs/guide.md", "# guide\n");
    write(root, "docs/api.md", "# api\n");
    write(root, ".dockerignore", "node_modules\ndocs\n!docs/api.md\nDockerfile\n.dockerignore\n");
    link(root, "current", "src");
  }

  @Test
  void listsKeptEntriesSortedByPath() {
    BuildContext context = BuildContext.scan(root, ".");

    assertThat(context.entries())
        .extracting(ContextEntry::path)
        .containsExactly("current", "docs/api.md", "src", "src/main.c", "src/util.c");
  }

  @Test
  void keepsLinksAsLinks() {
    BuildContext context = BuildContext.scan(root, ".");

    ContextEntry link = context.entry("current").orElseThrow();
    assertThat(link.type()).isEqualTo(ContextEntry.Type.SYMLINK);
    assertThat(link.linkTarget()).isEqualTo("src");
  }

  @Test
  void recordsModes() throws IOException {
    mode(root.resolve("src/main.c"), "rwxr-x---");

    BuildContext context = BuildContext.scan(root, ".");

    assertThat(context.entry("src/main.c").orElseThrow().mode()).isEqualTo(0750);
  }

  @Test
  void hashesTheSameTreeTheSameWay() {
    assertThat(BuildContext.scan(root, ".").hash())
        .isEqualTo(BuildContext.scan(root, ".").hash())
        .matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void changesTheHashWhenContentChanges() throws IOException {
    String before = BuildContext.scan(root, ".").hash();

    write(root, "src/util.c", "void util() { }\n");

    assertThat(BuildContext.scan(root, ".").hash()).isNotEqualTo(before);
  }

  @Test
  void changesTheHashWhenAModeChanges() throws IOException {
    String before = BuildContext.scan(root, ".").hash();

    mode(root.resolve("src/util.c"), "rwxr-xr-x");

    assertThat(BuildContext.scan(root, ".").hash()).isNotEqualTo(before);
  }

  @Test
  void changesTheHashWhenALinkTargetChanges() throws IOException {
    String before = BuildContext.scan(root, ".").hash();

    java.nio.file.Files.delete(root.resolve("current"));
    link(root, "current", "docs");

    assertThat(BuildContext.scan(root, ".").hash()).isNotEqualTo(before);
  }

  @Test
  void ignoresChangesToExcludedFiles() throws IOException {
    String before = BuildContext.scan(root, ".").hash();

    write(root, "node_modules/x/index.js", "changed\n");

    assertThat(BuildContext.scan(root, ".").hash()).isEqualTo(before);
  }

  @Test
  void findsEntriesBelowADirectory() {
    BuildContext context = BuildContext.scan(root, ".");

    assertThat(context.containsOrHasBelow("docs")).isTrue();
    assertThat(context.containsOrHasBelow("node_modules")).isFalse();
  }
}
