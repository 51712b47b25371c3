package io.slipway.builder.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordExpanderTest {

  private static final Map<String, String> VARIABLES = variables();

  private static Map<String, String> variables() {
    Map<String, String> variables = new HashMap<>();
    variables.put("VERSION", "3.20");
    variables.put("EMPTY", "");
    variables.put("DECLARED", null);
    return variables;
  }

  private static String expand(String word) {
    return WordExpander.expand(word, '\\', VARIABLES).value();
  }

  @Test
  void expandsPlainAndBracedNames() {
    assertThat(expand("alpine:$VERSION")).isEqualTo("alpine:3.20");
    assertThat(expand("alpine:${VERSION}-slim")).isEqualTo("alpine:3.20-slim");
  }

  @Test
  void colonDefaultCoversEmptyValues() {
    assertThat(expand("${EMPTY:-x}")).isEqualTo("x");
    assertThat(expand("${MISSING:-x}")).isEqualTo("x");
    assertThat(expand("${VERSION:-x}")).isEqualTo("3.20");
  }

  @Test
  void usesTheDefaultOnlyWhenUnsetWithoutColon() {
    assertThat(expand("${EMPTY-x}")).isEmpty();
    assertThat(expand("${MISSING-x}")).isEqualTo("x");
  }

  @Test
  void usesTheAlternativeOnlyWhenSet() {
    assertThat(expand("${VERSION:+set}")).isEqualTo("set");
    assertThat(expand("${EMPTY:+set}")).isEmpty();
    assertThat(expand("${MISSING:+set}")).isEmpty();
  }

  @Test
  void expandsVariablesInsideADefault() {
    assertThat(expand("${MISSING:-v$VERSION}")).isEqualTo("v3.20");
  }

  @Test
  void keepsSingleQuotedTextLiteral() {
    assertThat(expand("'$VERSION'")).isEqualTo("$VERSION");
  }

  @Test
  void expandsInsideDoubleQuotesAndRemovesThem() {
    assertThat(expand("\"v $VERSION\"")).isEqualTo("v 3.20");
  }

  @Test
  void keepsAnEscapedDollar() {
    assertThat(expand("\\$VERSION")).isEqualTo("$VERSION");
  }

  @Test
  void honoursABacktickEscape() {
    assertThat(WordExpander.expand("`$VERSION", '`', VARIABLES).value()).isEqualTo("$VERSION");
  }

  @Test
  void keepsALoneDollar() {
    assertThat(expand("cost$ 5$")).isEqualTo("cost$ 5$");
  }

  @Test
  void reportsUndefinedNamesButNotThoseWithADefault() {
    WordExpander.Expansion expansion =
        WordExpander.expand("$A ${B} ${C:-x} ${D:+y} $DECLARED", '\\', VARIABLES);

    assertThat(expansion.undefined()).containsExactlyInAnyOrder("A", "B");
  }

  @Test
  void reportsAMissingRequiredName() {
    assertThat(WordExpander.expand("${A:?needed}", '\\', VARIABLES).undefined())
        .containsExactly("A");
  }

  @Test
  void rejectsAnUnsupportedForm() {
    assertThatThrownBy(() -> expand("${VERSION%.*}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("${VERSION%");
  }

  @Test
  void splitsAtUnquotedWhiteSpaceKeepingQuotes() {
    assertThat(WordExpander.split("A=\"x y\" B='1 2' C=a\\ b", '\\'))
        .containsExactly("A=\"x y\"", "B='1 2'", "C=a\\ b");
  }
}
