package io.slipway.api.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.key.KeyAlgorithm;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SigningPropertiesTest {

  private static final String KEY_OF_16_BYTES = Base64.getEncoder().encodeToString(new byte[16]);
  private static final String KEY_OF_32_BYTES = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void defaultsAreEcdsaAndOneDay() {
    SigningProperties properties = bind(Map.of());

    assertThat(properties.masterKey()).isNull();
    assertThat(properties.algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P256);
    assertThat(properties.keyLifetime()).isNull();
    assertThat(properties.targetStateValidity()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void settingsAreBound() {
    SigningProperties properties =
        bind(
            Map.of(
                "slipway.signing.master-key", KEY_OF_32_BYTES,
                "slipway.signing.algorithm", "ed25519",
                "slipway.signing.key-lifetime", "P365D",
                "slipway.signing.target-state-validity", "PT10M"));

    assertThat(properties.masterKey()).isEqualTo(KEY_OF_32_BYTES);
    assertThat(properties.algorithm()).isEqualTo(KeyAlgorithm.ED25519);
    assertThat(properties.keyLifetime()).isEqualTo(Duration.ofDays(365));
    assertThat(properties.targetStateValidity()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void masterKeyOfWrongLengthIsRejected() {
    assertThatThrownBy(() -> new SigningProperties(KEY_OF_16_BYTES, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slipway.signing.master-key decodes to 16 bytes, not 32")
        .hasMessageNotContaining(KEY_OF_16_BYTES);
  }

  @Test
  void masterKeyThatIsNotBase64IsRejected() {
    assertThatThrownBy(() -> new SigningProperties("not base64!", null, null, null))
        .hasMessageContaining("slipway.signing.master-key is not valid base64")
        .hasMessageNotContaining("not base64!");
  }

  @Test
  void blankMasterKeyCountsAsUnset() {
    assertThat(new SigningProperties("  ", null, null, null).masterKey()).isNull();
  }

  @Test
  void validityUnderOneMinuteIsRejected() {
    assertThatThrownBy(() -> new SigningProperties(null, null, null, Duration.ofSeconds(59)))
        .hasMessageContaining("slipway.signing.target-state-validity is PT59S")
        .hasMessageContaining("at least PT1M");
  }

  @Test
  void validityOverSevenDaysIsRejected() {
    assertThatThrownBy(() -> new SigningProperties(null, null, null, Duration.ofDays(8)))
        .hasMessageContaining("slipway.signing.target-state-validity is PT192H")
        .hasMessageContaining("at most PT168H");
  }

  @Test
  void nonPositiveKeyLifetimeIsRejected() {
    assertThatThrownBy(() -> new SigningProperties(null, null, Duration.ZERO, null))
        .hasMessageContaining("slipway.signing.key-lifetime is PT0S");
  }

  @Test
  void unknownAlgorithmFailsBinding() {
    assertThatThrownBy(() -> bind(Map.of("slipway.signing.algorithm", "RSA")))
        .isInstanceOf(BindException.class);
  }

  @Test
  void toStringHidesTheMasterKey() {
    assertThat(new SigningProperties(KEY_OF_32_BYTES, null, null, null).toString())
        .doesNotContain(KEY_OF_32_BYTES)
        .contains("masterKey=****");
  }

  private static SigningProperties bind(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings))
        .bindOrCreate("slipway.signing", SigningProperties.class);
  }
}
