package io.slipway.api.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class OsImagePropertiesTest {

  @Test
  void defaultsAreAccepted() {
    assertThatNoException().isThrownBy(() -> properties(null, null, Duration.ofMinutes(10)));
  }

  @Test
  void endpointsOfTheirSchemesAreAccepted() {
    assertThatNoException()
        .isThrownBy(
            () ->
                properties(
                    URI.create("https://slipway.example.org"),
                    URI.create("mqtts://slipway.example.org:8883"),
                    Duration.ofMinutes(10)));
  }

  @Test
  void apiEndpointWithoutHttpIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> properties(URI.create("ftp://x.example"), null, Duration.ofMinutes(10)))
        .withMessageContaining("slipway.os-images.api-endpoint is 'ftp://x.example'");
  }

  @Test
  void controlEndpointOfOtherSchemeIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> properties(null, URI.create("tcp://x.example:1883"), Duration.ofMinutes(10)))
        .withMessageContaining("slipway.os-images.control-endpoint");
  }

  @Test
  void pollIntervalOutsideDeviceLimitsIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> properties(null, null, Duration.ofSeconds(5)))
        .withMessageContaining("slipway.os-images.poll-interval is PT5S");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> properties(null, null, Duration.ofDays(2)))
        .withMessageContaining("slipway.os-images.poll-interval is PT48H");
  }

  @Test
  void keyExpiryBeyondTenYearsIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new OsImageProperties(
                    null,
                    null,
                    null,
                    null,
                    Duration.ofDays(3651),
                    Duration.ofMinutes(10),
                    List.of("resin-boot"),
                    DataSize.ofGigabytes(16),
                    List.of()))
        .withMessageContaining("slipway.os-images.key-expiry is PT87624H")
        .withMessageContaining("3650d or less");
  }

  @Test
  void emptyBootLabelsAreRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new OsImageProperties(
                    null,
                    null,
                    null,
                    null,
                    Duration.ofDays(30),
                    Duration.ofMinutes(10),
                    List.of(),
                    DataSize.ofGigabytes(16),
                    List.of()))
        .withMessageContaining("slipway.os-images.boot-labels");
  }

  @Test
  void bindsDefaultsAndIndexedTrustedKeys() {
    String pem = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";

    OsImageProperties bound =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of("slipway.os-images.trusted-keys[0]", pem)))
            .bindOrCreate("slipway.os-images", OsImageProperties.class);

    assertThat(bound.trustedKeys()).containsExactly(pem);
    assertThat(bound.keyExpiry()).isEqualTo(Duration.ofDays(30));
    assertThat(bound.pollInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(bound.bootLabels()).containsExactly("flash-boot", "resin-boot", "balena-boot");
    assertThat(bound.maxUploadSize()).isEqualTo(DataSize.ofGigabytes(16));
  }

  private static OsImageProperties properties(URI api, URI control, Duration pollInterval) {
    return new OsImageProperties(
        api,
        null,
        null,
        control,
        Duration.ofDays(30),
        pollInterval,
        List.of("flash-boot", "resin-boot", "balena-boot"),
        DataSize.ofGigabytes(16),
        List.of());
  }
}
