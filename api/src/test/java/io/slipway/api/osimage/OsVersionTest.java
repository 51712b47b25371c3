package io.slipway.api.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.error.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OsVersionTest {

  @ParameterizedTest
  @ValueSource(strings = {"6.1.24+rev1", "2024.10", "v3", "1.0.0-beta_2"})
  void acceptsVersionForms(String version) {
    assertThat(new OsVersion(version).value()).isEqualTo(version);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " 1.0", "../1", "1/2", ".hidden", "+1", "1.0 beta", "1%2F2"})
  void rejectsUnsafeVersions(String version) {
    assertThatThrownBy(() -> new OsVersion(version))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("INVALID_OS_IMAGE_VERSION"))
        .hasMessageContaining("'" + version + "'");
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 65})
  void limitsLengthTo64(int length) {
    String version = "1".repeat(length);

    if (length <= OsVersion.MAX_LENGTH) {
      assertThat(new OsVersion(version).value()).hasSize(length);
    } else {
      assertThatThrownBy(() -> new OsVersion(version)).isInstanceOf(ApiException.class);
    }
  }
}
