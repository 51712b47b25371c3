package io.slipway.builder.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import org.junit.jupiter.api.Test;

class DockerIgnoreTest {

  private static DockerIgnore ignore(String text) {
    return DockerIgnore.parse(text, ".dockerignore");
  }

  @Test
  void excludesAFileAndEverythingUnderADirectory() {
    DockerIgnore ignore = ignore("secret.env\nnode_modules\n");

    assertThat(ignore.excludes("secret.env")).isTrue();
    assertThat(ignore.excludes("node_modules/left-pad/index.js")).isTrue();
    assertThat(ignore.excludes("src/secret.env")).isFalse();
  }

  @Test
  void matchesAStarWithinOneComponent() {
    DockerIgnore ignore = ignore("*/temp*\n");

    assertThat(ignore.excludes("somedir/temporary.txt")).isTrue();
    assertThat(ignore.excludes("somedir/sub/temporary.txt")).isFalse();
    assertThat(ignore.excludes("temp")).isFalse();
  }

  @Test
  void matchesDoubleStarAcrossDirectories() {
    DockerIgnore ignore = ignore("**/*.go\n");

    assertThat(ignore.excludes("main.go")).isTrue();
    assertThat(ignore.excludes("cmd/sensor/main.go")).isTrue();
    assertThat(ignore.excludes("main.gox")).isFalse();
  }

  @Test
  void matchesATrailingDoubleStarAsEverythingBelow() {
    DockerIgnore ignore = ignore("build/**\n");

    assertThat(ignore.excludes("build/out/app")).isTrue();
    assertThat(ignore.excludes("builder/app")).isFalse();
  }

  @Test
  void matchesAQuestionMarkAsOneCharacter() {
    DockerIgnore ignore = ignore("temp?\n");

    assertThat(ignore.excludes("temp1")).isTrue();
    assertThat(ignore.excludes("temp12")).isFalse();
  }

  @Test
  void matchesCharacterClasses() {
    DockerIgnore ignore = ignore("log[0-9].txt\nx[!a]\n");

    assertThat(ignore.excludes("log7.txt")).isTrue();
    assertThat(ignore.excludes("logA.txt")).isFalse();
    assertThat(ignore.excludes("xb")).isTrue();
    assertThat(ignore.excludes("xa")).isFalse();
  }

  @Test
  void letsAnExceptionReinclude() {
    DockerIgnore ignore = ignore("*.md\n!README.md\n");

    assertThat(ignore.excludes("CHANGES.md")).isTrue();
    assertThat(ignore.excludes("README.md")).isFalse();
  }

  @Test
  void letsTheLastMatchingRuleWin() {
    DockerIgnore ignore = ignore("!README.md\n*.md\n");

    assertThat(ignore.excludes("README.md")).isTrue();
  }

  @Test
  void reincludesAFileInsideAnExcludedDirectory() {
    DockerIgnore ignore = ignore("docs\n!docs/api.md\n");

    assertThat(ignore.excludes("docs/guide.md")).isTrue();
    assertThat(ignore.excludes("docs/api.md")).isFalse();
    assertThat(ignore.hasExceptions()).isTrue();
  }

  @Test
  void trimsLeadingSlashAndDotSlash() {
    DockerIgnore ignore = ignore("/dist\n./coverage\n");

    assertThat(ignore.excludes("dist/app.js")).isTrue();
    assertThat(ignore.excludes("coverage/index.html")).isTrue();
    assertThat(ignore.patterns()).containsExactly("dist", "coverage");
  }

  @Test
  void skipsCommentsAndBlankLinesAndTrimsSpaces() {
    DockerIgnore ignore = ignore("# build output\n\n   target   \n");

    assertThat(ignore.patterns()).containsExactly("target");
  }

  @Test
  void escapesSpecialCharactersWithABackslash() {
    DockerIgnore ignore = ignore("file\\*.txt\n");

    assertThat(ignore.excludes("file*.txt")).isTrue();
    assertThat(ignore.excludes("fileA.txt")).isFalse();
  }

  @Test
  void treatsDotsLiterally() {
    assertThat(ignore("a.b\n").excludes("axb")).isFalse();
  }

  @Test
  void rejectsAnUnclosedClassWithItsLine() {
    assertThatThrownBy(() -> DockerIgnore.parse("ok\nbad[\n", "web/.dockerignore"))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("web/.dockerignore");
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).contains("'bad['");
            });
  }
}
