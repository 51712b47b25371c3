package io.slipway.osimage.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceConfigTest {

  private static final String PROVISIONING_KEY = "slp_" + "a".repeat(32);
  private static final String DEVICE_KEY = "sld_" + "b".repeat(32);

  private static DeviceConfig.Builder base() {
    return DeviceConfig.builder()
        .fleet(7, "acme/signs")
        .deviceType("raspberrypi4-64")
        .provisioningKey(PROVISIONING_KEY)
        .apiEndpoint(URI.create("https://slipway.example.com"))
        .registryEndpoint(URI.create("https://slipway.example.com"))
        .deltaEndpoint(URI.create("https://slipway.example.com"));
  }

  @Test
  void writesAndReadsBackEveryField() {
    DeviceConfig config =
        base()
            .controlEndpoint(URI.create("mqtts://slipway.example.com:443"))
            .pollIntervalSeconds(120)
            .persistentLogging(true)
            .developmentMode(true)
            .sshKeys(List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE user@laptop"))
            .network(
                new NetworkSettings(
                    "sign-1",
                    new WifiNetwork("Shop floor", "correct horse"),
                    List.of("9.9.9.9"),
                    List.of("ntp.example.com")))
            .trustedKeys(List.of("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"))
            .build();

    assertThat(DeviceConfig.parse(config.toJson())).isEqualTo(config);
  }

  @Test
  void writesTheSameBytesForEqualConfigurations() {
    assertThat(base().build().toJson()).isEqualTo(base().build().toJson());
  }

  @Test
  void readsAPreRegisteredDevice() {
    DeviceConfig config =
        base().registeredDevice("0123456789abcdef0123456789abcdef", DEVICE_KEY).build();

    DeviceConfig read = DeviceConfig.parse(config.toJson());

    assertThat(read.usesProvisioningKey()).isFalse();
    assertThat(read.deviceApiKey()).isEqualTo(DEVICE_KEY);
  }

  @Test
  void omitsControlEndpointWhenOff() {
    String json = new String(base().build().toJson(), StandardCharsets.UTF_8);

    assertThat(json).doesNotContain("controlEndpoint");
  }

  @Test
  void hidesSecretsFromToString() {
    DeviceConfig config =
        base()
            .network(new NetworkSettings(null, new WifiNetwork("home", "s3cret-pass"), null, null))
            .build();

    assertThat(config.toString() + config.network().wifi())
        .doesNotContain(PROVISIONING_KEY, "s3cret-pass");
  }

  @Test
  void addsAWifiProfileOnlyWhenWifiIsSet() {
    assertThat(base().build().bootFiles()).containsOnlyKeys("config.json");
    assertThat(
            base()
                .network(
                    new NetworkSettings(null, new WifiNetwork("home", "passphrase"), null, null))
                .build()
                .bootFiles())
        .containsOnlyKeys("config.json", "system-connections/slipway-wifi");
  }

  @Test
  void rejectsAnUnknownFieldByName() {
    String json =
        new String(base().build().toJson(), StandardCharsets.UTF_8)
            .replace("\"fleet\"", "\"fleat\"");

    assertThatThrownBy(() -> DeviceConfig.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining("'fleat'");
  }

  @Test
  void rejectsBothAProvisioningKeyAndADeviceKey() {
    String json =
        new String(base().build().toJson(), StandardCharsets.UTF_8)
            .replace("\"fleetId\"", "\"deviceApiKey\" : \"" + DEVICE_KEY + "\",\n  \"fleetId\"");

    assertThatThrownBy(() -> DeviceConfig.parse(json.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("both a provisioningKey and a device");
  }

  @Test
  void rejectsAnEndpointWithCredentials() {
    assertThatThrownBy(() -> base().apiEndpoint(URI.create("https://user:pw@example.com")).build())
        .hasMessageContaining("apiEndpoint");
  }

  @Test
  void rejectsAControlChannelSchemeForTheApiEndpoint() {
    assertThatThrownBy(() -> base().apiEndpoint(URI.create("mqtts://example.com")).build())
        .hasMessageContaining("apiEndpoint 'mqtts://example.com'")
        .hasMessageContaining("https, http URL");
  }

  @Test
  void acceptsAWebSocketControlEndpoint() {
    DeviceConfig config = base().controlEndpoint(URI.create("wss://example.com/control")).build();

    assertThat(config.controlEndpoint()).hasToString("wss://example.com/control");
  }

  @Test
  void rejectsAShortPassphraseWithoutEchoingIt() {
    assertThatThrownBy(() -> new WifiNetwork("home", "short"))
        .isInstanceOf(OsImageException.class)
        .hasMessageNotContaining("short")
        .satisfies(
            e ->
                assertThat(((OsImageException) e).failure())
                    .isEqualTo(OsImageFailure.INVALID_CONFIG));
  }

  @Test
  void rejectsInvalidJsonWithAHint() {
    assertThatThrownBy(() -> DeviceConfig.parse("{".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not valid JSON");
  }
}
