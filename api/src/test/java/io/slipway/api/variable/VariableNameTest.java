package io.slipway.api.variable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VariableNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"A", "_x", "DATABASE_URL", "a1_b2"})
  void acceptsShellNames(String name) {
    assertThat(new VariableName(name).value()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1A", "A-B", "A B", "Ä", "A=B"})
  void rejectsOtherNames(String name) {
    assertThatThrownBy(() -> new VariableName(name))
        .isInstanceOf(InvalidVariableException.class)
        .hasMessageContaining("'" + name + "'");
  }

  @Test
  void supervisorPrefixMakesAConfigVariable() {
    assertThat(new VariableName("SLIPWAY_POLL_INTERVAL").kind()).isEqualTo(VariableKind.CONFIG);
  }

  @Test
  void balenaPrefixMakesAConfigVariable() {
    assertThat(new VariableName("BALENA_HOST_CONFIG_gpu_mem").kind())
        .isEqualTo(VariableKind.CONFIG);
  }

  @Test
  void otherNamesAreEnvironmentVariables() {
    assertThat(new VariableName("SLIPWAYX").kind()).isEqualTo(VariableKind.ENV);
  }

  @Test
  void valueOverSixtyFourKibIsRejected() {
    String big = "x".repeat(VariableValue.MAX_BYTES + 1);

    assertThatThrownBy(() -> new VariableValue(big)).hasMessageContaining("65537 bytes");
  }

  @Test
  void valueOfExactlySixtyFourKibIsAccepted() {
    String max = "x".repeat(VariableValue.MAX_BYTES);

    assertThat(new VariableValue(max).text()).hasSize(VariableValue.MAX_BYTES);
  }
}
