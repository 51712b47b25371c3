package io.slipway.builder.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void bearerParametersAreUnquoted() {
    Challenge challenge =
        Challenge.parse(
                "Bearer realm=\"http://127.0.0.1:9/auth/token\",service=\"slipway\","
                    + "scope=\"repository:a/b:pull,push\"")
            .orElseThrow();

    assertThat(challenge.isBearer()).isTrue();
    assertThat(challenge.realm()).isEqualTo("http://127.0.0.1:9/auth/token");
    assertThat(challenge.parameters()).containsEntry("scope", "repository:a/b:pull,push");
  }

  @Test
  void basicChallengeIsRecognised() {
    assertThat(Challenge.parse("Basic realm=\"registry\"").orElseThrow().isBasic()).isTrue();
  }

  @Test
  void emptyHeaderGivesNoChallenge() {
    assertThat(Challenge.parse(" ")).isEmpty();
  }
}
