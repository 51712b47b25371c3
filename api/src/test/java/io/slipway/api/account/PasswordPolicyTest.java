package io.slipway.api.account;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordPolicyTest {

  private final PasswordPolicy policy = PasswordPolicy.standard();

  @Test
  void acceptsPassphraseOfTwelveCharacters() {
    assertThatCode(() -> policy.check("alice", "tide-lamp-owl")).doesNotThrowAnyException();
  }

  @Test
  void acceptsPasswordOfMaximumLength() {
    String longest = "ab".repeat(PasswordPolicy.MAX_LENGTH / 2);

    assertThatCode(() -> policy.check("alice", longest)).doesNotThrowAnyException();
  }

  @Test
  void countsCharactersNotBytes() {
    // Twelve Greek letters, 24 bytes in UTF-8.
    assertThatCode(() -> policy.check("alice", "αβγδεζηθικλμ")).doesNotThrowAnyException();
  }

  @Test
  void refusesElevenCharacters() {
    assertThatThrownBy(() -> policy.check("alice", "tide-lamp-o"))
        .isInstanceOf(WeakPasswordException.class)
        .hasMessageContaining("11 characters");
  }

  @Test
  void refusesPasswordLongerThanMaximum() {
    String tooLong = "ab".repeat(PasswordPolicy.MAX_LENGTH / 2) + "c";

    assertThatThrownBy(() -> policy.check("alice", tooLong))
        .isInstanceOf(WeakPasswordException.class)
        .hasMessageContaining("at most 256");
  }

  @Test
  void refusesEmptyPassword() {
    assertThatThrownBy(() -> policy.check("alice", ""))
        .isInstanceOf(WeakPasswordException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void refusesUserNameInAnyCase() {
    assertThatThrownBy(() -> policy.check("release.manager", "Release.Manager"))
        .isInstanceOf(WeakPasswordException.class)
        .hasMessageContaining("user name");
  }

  @Test
  void refusesOneRepeatedCharacter() {
    assertThatThrownBy(() -> policy.check("alice", "zzzzzzzzzzzzzzzz"))
        .isInstanceOf(WeakPasswordException.class)
        .hasMessageContaining("repeats one character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"password1234", "Password1234", "1qaz2wsx3edc", "qwerty123456"})
  void refusesCommonPasswords(String common) {
    assertThatThrownBy(() -> policy.check("alice", common))
        .isInstanceOf(WeakPasswordException.class)
        .hasMessageContaining("common passwords");
  }

  @Test
  void messageNeverContainsPassword() {
    assertThatThrownBy(() -> policy.check("alice", "short-pw")).hasMessageNotContaining("short-pw");
  }
}
