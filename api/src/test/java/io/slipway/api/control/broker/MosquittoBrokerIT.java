package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.control.ControlProperties;
import io.slipway.testing.mqtt.MosquittoProcess;
import io.slipway.testing.mqtt.MosquittoProcess.Security;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the broker contract against a real Mosquitto 2.0 with its dynamic-security plugin, which
 * {@link ExternalMosquittoBroker} configures as the generated admin user. The server connects to
 * the plain loopback listener; devices receive the TLS listener and its CA as their endpoint.
 */
class MosquittoBrokerIT extends ControlBrokerContract {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private Path directory;
  private MosquittoProcess mosquitto;
  private ExternalMosquittoBroker broker;

  @BeforeAll
  void startBroker() throws Exception {
    directory = Files.createTempDirectory("mosquitto-broker");
    mosquitto = MosquittoProcess.start(directory, Security.DYNAMIC_SECURITY, true);
    broker = new ExternalMosquittoBroker(settings(mosquitto), deviceUrl(mosquitto));
    broker.start();
  }

  @AfterAll
  void stopBroker() {
    if (broker != null) {
      broker.close();
    }
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  @Override
  protected ControlBroker broker() {
    return broker;
  }

  @Test
  void secondServerKeepsDevicesAdmitted() throws Exception {
    Device device = admittedDevice();

    try (ExternalMosquittoBroker again =
        new ExternalMosquittoBroker(settings(mosquitto), deviceUrl(mosquitto))) {
      again.start();
      again.admit(device.uuid(), device.key());
    }

    assertThat(connectDevice(device)).isTrue();
  }

  @Test
  void admitRemovesForeignAclsFromRole() {
    Device device = admittedDevice();
    String role = ExternalMosquittoBroker.DEVICE_ROLE_PREFIX + device.uuid();
    BrokerLink adminLink =
        new BrokerLink(mosquitto.url(), mosquitto.adminUsername(), mosquitto.adminPassword(), null);

    try (DynamicSecurityClient admin = DynamicSecurityClient.connect(adminLink, WAIT)) {
      MosquittoAcl foreign = MosquittoAcl.allow("subscribePattern", "#");
      admin.send("test", List.of(DynamicSecurityCommands.addRoleAcl(role, foreign)));
      // A fresh instance has no cache, so its admit reads the role back from Mosquitto.
      try (ExternalMosquittoBroker fresh =
          new ExternalMosquittoBroker(settings(mosquitto), deviceUrl(mosquitto))) {
        fresh.start();
        fresh.admit(device.uuid(), device.key());
      }

      assertThat(aclsOf(admin, role))
          .containsExactlyInAnyOrderElementsOf(ExternalMosquittoBroker.deviceAcls(device.uuid()));
    }
  }

  @Test
  void serverLinkIsNotTheAdmin() {
    assertThat(broker.serverLink().username()).isEqualTo(ExternalMosquittoBroker.SERVER_USERNAME);
  }

  @Test
  void newKeyAdmissionReplacesOldKey() throws Exception {
    Device device = admittedDevice();
    String newKey = "sdk_" + UUID.randomUUID();

    broker.admit(device.uuid(), newKey);

    assertThat(connectDevice(new Device(device.uuid(), newKey))).isTrue();
    assertThatThrownBy(() -> connectDevice(device)).isInstanceOf(MqttException.class);
  }

  @Test
  void isConnectedIsUnsupported() {
    assertThatThrownBy(() -> broker.isConnected(UUID.randomUUID().toString()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void wildcardUuidIsRejected() {
    assertThatThrownBy(() -> broker.admit("+", "sdk_key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'+'");
  }

  @Test
  void wrongAdminPasswordFailsStart() {
    ControlProperties.External wrong =
        new ControlProperties.External(
            mosquitto.url(), mosquitto.adminUsername(), "not-the-password", null);

    try (ExternalMosquittoBroker external = new ExternalMosquittoBroker(wrong, null)) {
      assertThatThrownBy(external::start)
          .isInstanceOf(ControlBrokerException.class)
          .hasMessageContaining(mosquitto.url().toString())
          .hasMessageContaining("slipway.control.external.password");
    }
  }

  private static Set<MosquittoAcl> aclsOf(DynamicSecurityClient admin, String role) {
    JsonNode acls =
        admin.send("test", List.of(DynamicSecurityCommands.getRole(role))).get(0).data();
    Set<MosquittoAcl> entries = new HashSet<>();
    for (JsonNode acl : acls.path("role").path("acls")) {
      entries.add(
          new MosquittoAcl(
              acl.path("acltype").asString(),
              acl.path("topic").asString(),
              acl.path("allow").asBoolean()));
    }
    return entries;
  }

  /** Connects as {@code device} over TLS, then disconnects; returns whether it was connected. */
  private boolean connectDevice(Device device) throws MqttException {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setUserName(device.uuid());
    options.setPassword(device.key().toCharArray());
    options.setSocketFactory(mosquitto.sslContext().getSocketFactory());
    try (MqttClient client =
        new MqttClient(mosquitto.tlsUrl().toString(), device.uuid(), new MemoryPersistence())) {
      client.connect(options);
      boolean connected = client.isConnected();
      client.disconnect();
      return connected;
    }
  }

  private static ControlProperties.External settings(MosquittoProcess mosquitto) {
    return new ControlProperties.External(
        mosquitto.url(),
        mosquitto.adminUsername(),
        mosquitto.adminPassword(),
        mosquitto.caCertificate().toString());
  }

  private static URI deviceUrl(MosquittoProcess mosquitto) {
    return URI.create("mqtts://127.0.0.1:" + mosquitto.tlsPort());
  }
}
