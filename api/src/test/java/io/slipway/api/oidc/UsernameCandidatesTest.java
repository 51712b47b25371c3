package io.slipway.api.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.account.Username;
import org.junit.jupiter.api.Test;

class UsernameCandidatesTest {

  @Test
  void preferredUsernameIsLowerCased() {
    assertThat(UsernameCandidates.base("Alice.Smith", null)).isEqualTo("alice.smith");
  }

  @Test
  void spacesAndSymbolsBecomeOneHyphen() {
    assertThat(UsernameCandidates.base("Alice  @ Smith!", null)).isEqualTo("alice-smith");
  }

  @Test
  void accentsAreDropped() {
    assertThat(UsernameCandidates.base("Zoë Ñúñez", null)).isEqualTo("zoe-nunez");
  }

  @Test
  void leadingAndTrailingPunctuationIsCut() {
    assertThat(UsernameCandidates.base("--_.bob._--", null)).isEqualTo("bob");
  }

  @Test
  void emailLocalPartReplacesMissingName() {
    assertThat(UsernameCandidates.base(null, "Carol.Jones@example.org")).isEqualTo("carol.jones");
  }

  @Test
  void unusablePreferredNameFallsBackToEmail() {
    assertThat(UsernameCandidates.base("日本", "dave@example.org")).isEqualTo("dave");
  }

  @Test
  void nothingUsableGivesFallback() {
    assertThat(UsernameCandidates.base("!", "x@example.org"))
        .isEqualTo(UsernameCandidates.FALLBACK);
  }

  @Test
  void longNameIsCutToMaximum() {
    String base = UsernameCandidates.base("a".repeat(100), null);

    assertThat(base).hasSize(UsernameCandidates.MAX_LENGTH);
  }

  @Test
  void laterCandidatesCarrySuffix() {
    assertThat(UsernameCandidates.candidate("erin", 1)).isEqualTo("erin");
    assertThat(UsernameCandidates.candidate("erin", 2)).isEqualTo("erin-2");
  }

  @Test
  void candidateZeroIsRejected() {
    assertThatThrownBy(() -> UsernameCandidates.candidate("erin", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void longestCandidateIsValidUsername() {
    String base = UsernameCandidates.base("b".repeat(100), null);

    assertThat(new Username(UsernameCandidates.candidate(base, 50)).value()).endsWith("-50");
  }
}
