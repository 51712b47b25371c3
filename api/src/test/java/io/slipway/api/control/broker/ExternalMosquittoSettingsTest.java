package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.control.ControlProperties;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalMosquittoSettingsTest {

  @TempDir Path directory;

  @Test
  void missingUrlNamesSetting() {
    assertThatThrownBy(() -> check(external(null, "admin", "secret", null), null))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("slipway.control.external.url is missing");
  }

  @Test
  void httpUrlIsInvalid() {
    assertThatThrownBy(() -> check(external("http://broker:1883", "admin", "secret", null), null))
        .hasMessageContaining("slipway.control.external.url http://broker:1883 is invalid");
  }

  @Test
  void missingUsernameNamesSetting() {
    assertThatThrownBy(() -> check(external("ssl://broker:8883", " ", "secret", null), null))
        .hasMessageContaining("slipway.control.external.username is missing");
  }

  @Test
  void missingPasswordNamesSetting() {
    assertThatThrownBy(() -> check(external("ssl://broker:8883", "admin", null, null), null))
        .hasMessageContaining("slipway.control.external.password is missing");
  }

  @Test
  void tlsUrlBecomesMqttsForDevices() {
    ExternalMosquittoSettings settings =
        check(external("ssl://broker.example:8883", "admin", "secret", null), null);

    assertThat(settings.deviceEndpoint().url())
        .isEqualTo(URI.create("mqtts://broker.example:8883"));
  }

  @Test
  void plainRemoteUrlNeedsDeviceUrl() {
    assertThatThrownBy(() -> check(external("tcp://192.0.2.7:1883", "admin", "secret", null), null))
        .hasMessageContaining("set slipway.control.device-url");
  }

  @Test
  void plainLoopbackUrlServesDevices() {
    ExternalMosquittoSettings settings =
        check(external("tcp://127.0.0.1:1883", "admin", "secret", null), null);

    assertThat(settings.deviceEndpoint().url()).isEqualTo(URI.create("mqtt://127.0.0.1:1883"));
  }

  @Test
  void deviceUrlWinsOverBrokerUrl() {
    URI deviceUrl = URI.create("wss://slipway.example/mqtt");

    ExternalMosquittoSettings settings =
        check(external("tcp://127.0.0.1:1883", "admin", "secret", null), deviceUrl);

    assertThat(settings.deviceEndpoint().url()).isEqualTo(deviceUrl);
  }

  @Test
  void missingCaFileNamesSetting() {
    String file = directory.resolve("absent.pem").toString();

    assertThatThrownBy(() -> check(external("ssl://broker:8883", "admin", "secret", file), null))
        .hasMessageContaining(
            "slipway.control.external.ca-certificate " + file + " cannot be read");
  }

  @Test
  void textInCaFileIsRejected() throws Exception {
    Path file = Files.writeString(directory.resolve("ca.pem"), "not a certificate\n");

    assertThatThrownBy(
            () -> check(external("ssl://broker:8883", "admin", "secret", file.toString()), null))
        .hasMessageContaining("is not a valid PEM certificate");
  }

  @Test
  void toStringLeavesPasswordOut() {
    ExternalMosquittoSettings settings =
        check(external("ssl://broker:8883", "admin", "hunter2-secret", null), null);

    assertThat(settings.toString()).doesNotContain("hunter2-secret");
  }

  private static ExternalMosquittoSettings check(
      ControlProperties.External external, URI deviceUrl) {
    return ExternalMosquittoSettings.check(external, deviceUrl);
  }

  private static ControlProperties.External external(
      String url, String username, String password, String caCertificate) {
    return new ControlProperties.External(
        url == null ? null : URI.create(url), username, password, caCertificate);
  }
}
