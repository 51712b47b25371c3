package io.slipway.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void bearerChallengeKeepsCommasInsideQuotes() {
    List<AuthChallenge> challenges =
        AuthChallenge.parseAll(
            "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:lib/app:pull,push\"");

    assertThat(challenges).hasSize(1);
    AuthChallenge bearer = challenges.get(0);
    assertThat(bearer.isBearer()).isTrue();
    assertThat(bearer.parameter("realm")).hasValue("https://auth.example/token");
    assertThat(bearer.parameter("service")).hasValue("registry.example");
    assertThat(bearer.parameter("scope")).hasValue("repository:lib/app:pull,push");
  }

  @Test
  void schemeAndParameterNamesAreCaseInsensitive() {
    AuthChallenge challenge = AuthChallenge.parseAll("BEARER Realm=\"http://x/t\"").get(0);

    assertThat(challenge.isBearer()).isTrue();
    assertThat(challenge.parameter("realm")).hasValue("http://x/t");
  }

  @Test
  void unquotedValuesAndEscapesAreRead() {
    AuthChallenge challenge =
        AuthChallenge.parseAll("Bearer realm=http://x/t, error=\"say \\\"no\\\"\"").get(0);

    assertThat(challenge.parameter("realm")).hasValue("http://x/t");
    assertThat(challenge.parameter("error")).hasValue("say \"no\"");
  }

  @Test
  void severalChallengesInOneHeaderAreSeparated() {
    List<AuthChallenge> challenges =
        AuthChallenge.parseAll("Basic realm=\"registry\", Bearer realm=\"http://x/t\"");

    assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
    assertThat(challenges.get(1).parameter("realm")).hasValue("http://x/t");
  }

  @Test
  void emptyOrMissingHeaderYieldsNoChallenge() {
    assertThat(AuthChallenge.parseAll("")).isEmpty();
    assertThat(AuthChallenge.parseAll(null)).isEmpty();
  }

  @Test
  void malformedTextIsSkipped() {
    List<AuthChallenge> challenges = AuthChallenge.parseAll("=\"x\", Basic realm=\"r\"");

    assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("basic");
  }
}
