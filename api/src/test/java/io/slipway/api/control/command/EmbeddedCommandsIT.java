package io.slipway.api.control.command;

import static io.slipway.api.control.TestMqttDevice.awaitCondition;
import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.control.TestMqttDevice;
import io.slipway.api.control.broker.TrustedCertificates;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A command round trip through the server's own embedded broker, as a device does it: the device
 * learns the broker's URL and certificate from {@code GET /device/v1/{uuid}/control-channel}, which
 * admits its key, connects over TLS with its key, and acknowledges on its events topic.
 */
class EmbeddedCommandsIT {

  private static final String ORG = "embedded-org";
  private static final String FLEET = "main";
  private static final String DEVICE_TYPE = "generic-amd64";

  @TempDir Path dataDirectory;

  @Test
  void commandRoundTripThroughEmbeddedBroker() throws Exception {
    try (ControlPlaneFixture fixture =
        ControlPlaneFixture.start(TestDatabase.h2(), dataDirectory)) {
      ControlLink link = fixture.server().getBean(ControlLink.class);
      fixture.createOrganization(ORG);
      fixture.createFleet(ORG, FLEET, DEVICE_TYPE, false);
      String operator = fixture.user("operator", ORG, Role.OPERATOR);
      String provisioningKey = fixture.provisioningKey(ORG, FLEET, "{\"name\":\"factory\"}");
      String uuid = ControlPlaneFixture.newUuid();
      String deviceKey = fixture.registeredDevice(provisioningKey, uuid, DEVICE_TYPE);
      JsonNode channel =
          expect(fixture.get("/device/v1/" + uuid + "/control-channel", deviceKey), 200).json();

      try (TestMqttDevice device =
          TestMqttDevice.connect(
              pahoUrl(channel.path("url").asString()),
              uuid,
              deviceKey,
              TrustedCertificates.trustingPem(channel.path("caCertificate").asString()))) {
        awaitCondition("the device is online", () -> link.isOnline(uuid));
        String id =
            expect(
                    fixture.post(
                        "/api/v1/devices/" + uuid + "/commands",
                        operator,
                        "{\"type\":\"identify\"}"),
                    202)
                .json()
                .path("id")
                .asString();
        device.ack(device.nextCommand().path("id").asString(), true, "blinked", null);

        JsonNode ended =
            expect(
                    fixture.get(
                        "/api/v1/devices/" + uuid + "/commands/" + id + "?wait=PT20S", operator),
                    200)
                .json();

        assertThat(channel.path("enabled").asBoolean()).isTrue();
        assertThat(ended.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(ended.path("result").asString()).isEqualTo("blinked");
      }
    }
  }

  /** Converts the {@code mqtts://HOST:PORT} URL given to devices into Paho's {@code ssl://}. */
  static URI pahoUrl(String url) {
    URI parsed = URI.create(url);
    return URI.create("ssl://" + parsed.getHost() + ":" + parsed.getPort());
  }
}
