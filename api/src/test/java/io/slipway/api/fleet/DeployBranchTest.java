package io.slipway.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeployBranchTest {

  @ParameterizedTest
  @ValueSource(strings = {"main", "release/2.x", "prod-eu", "v1.0"})
  void gitBranchNamesAreValid(String name) {
    assertThat(DeployBranch.isValid(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "bad..name",
        "has space",
        "star*",
        "refs/heads/main",
        "end.lock",
        "a:b",
        "/x",
        "HEAD",
        "-x"
      })
  void invalidNamesAreRejected(String name) {
    assertThat(DeployBranch.isValid(name)).isFalse();
  }

  @org.junit.jupiter.api.Test
  void tooLongNameIsRejected() {
    assertThat(DeployBranch.isValid("b".repeat(DeployBranch.MAX_LENGTH + 1))).isFalse();
  }

  @org.junit.jupiter.api.Test
  void messageNamesTheValue() {
    assertThatThrownBy(() -> DeployBranch.require("bad..name"))
        .hasMessageContaining("'bad..name' is not a valid git branch name");
  }
}
