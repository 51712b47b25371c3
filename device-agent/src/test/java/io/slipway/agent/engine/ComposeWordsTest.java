package io.slipway.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComposeWordsTest {

  @Test
  void stringSplitsAtBlanksOutsideQuotes() {
    assertThat(ComposeWords.words("app", "command", "sh -c 'echo a  b' \"x y\" z\\ w"))
        .containsExactly("sh", "-c", "echo a  b", "x y", "z w");
  }

  @Test
  void emptyQuotesGiveEmptyWord() {
    assertThat(ComposeWords.words("app", "command", "run ''")).containsExactly("run", "");
  }

  @Test
  void listEntriesBecomeText() {
    assertThat(ComposeWords.words("app", "entrypoint", List.of("serve", 8080)))
        .containsExactly("serve", "8080");
  }

  @Test
  void missingValueGivesNoWords() {
    assertThat(ComposeWords.words("app", "command", null)).isEmpty();
  }

  @Test
  void unclosedQuoteIsRejected() {
    assertThatThrownBy(() -> ComposeWords.words("app", "command", "echo 'open"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("app")
        .hasMessageContaining("unclosed '");
  }

  @Test
  void mapIsRejected() {
    assertThatThrownBy(() -> ComposeWords.words("app", "command", java.util.Map.of("a", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("write a list or a string");
  }
}
