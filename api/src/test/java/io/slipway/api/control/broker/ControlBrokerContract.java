package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.slipway.api.control.ControlTopics;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every control broker must guarantee, proven with real MQTT 3.1.1 clients (Eclipse Paho)
 * against a running broker: devices connect with their device key over the device endpoint, each
 * device is confined to its own topics, the server's link publishes commands and reads events and
 * presence, and {@link ControlBroker#revoke} cuts a device off until {@link ControlBroker#admit}.
 *
 * <p>A subclass starts its broker once for the class (the instance lifecycle is per class) and
 * supplies it through {@link #broker()}; brokers that ask the control plane on CONNECT also get
 * {@link #allowInAdmission}. Each test uses fresh device UUIDs, so tests do not disturb each other.
 * Proofs that something does not arrive publish a marker after the forbidden message on the same
 * path and wait for the marker: MQTT keeps order on one connection, so anything forwarded would
 * have arrived first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ControlBrokerContract {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<MqttClient> clients = new ArrayList<>();
  private final List<org.eclipse.paho.mqttv5.client.MqttClient> mqtt5Clients = new ArrayList<>();

  /** The started broker under test; the same instance for every test of the class. */
  protected abstract ControlBroker broker();

  /**
   * Makes the control plane accept {@code key} for device {@code uuid}, for brokers that ask it on
   * CONNECT (the embedded one); called before {@link ControlBroker#admit}. Does nothing by default.
   */
  protected void allowInAdmission(String uuid, String key) {}

  @AfterEach
  void closeClients() {
    for (MqttClient client : clients) {
      try {
        if (client.isConnected()) {
          client.disconnectForcibly(0, 1000);
        }
        client.close(true);
      } catch (MqttException e) {
        // The broker may have cut the client already; nothing left to release.
      }
    }
    clients.clear();
    for (org.eclipse.paho.mqttv5.client.MqttClient client : mqtt5Clients) {
      try {
        if (client.isConnected()) {
          client.disconnectForcibly(0, 1000);
        }
        client.close(true);
      } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
        // Already cut by the broker; nothing left to release.
      }
    }
    mqtt5Clients.clear();
  }

  @Test
  void deviceConnectsWithItsKey() throws Exception {
    Device device = admittedDevice();

    MqttClient client = connect(device.uuid(), device.uuid(), device.key());

    assertThat(client.isConnected()).isTrue();
  }

  @Test
  void wrongKeyIsRejected() {
    Device device = admittedDevice();

    assertRejected(device.uuid(), device.uuid(), "sdk_wrong" + device.key());
  }

  @Test
  void anotherDevicesKeyIsRejected() {
    Device device = admittedDevice();
    Device other = admittedDevice();

    assertRejected(device.uuid(), device.uuid(), other.key());
  }

  @Test
  void foreignClientIdIsRejected() {
    Device device = admittedDevice();
    Device other = admittedDevice();

    assertRejected(other.uuid(), device.uuid(), device.key());
  }

  @Test
  void deviceReceivesItsOwnCommands() throws Exception {
    Device device = admittedDevice();
    Inbox inbox = subscribedToOwnCommands(device);

    serverPublish(ControlTopics.commands(device.uuid()), "{\"type\":\"identify\"}");

    assertThat(inbox.awaitPayload("{\"type\":\"identify\"}").topic())
        .isEqualTo(ControlTopics.commands(device.uuid()));
  }

  @Test
  void cannotSubscribeToAnotherDevicesCommands() throws Exception {
    Device device = admittedDevice();
    Device other = admittedDevice();

    assertSubscriptionDenied(device, ControlTopics.commands(other.uuid()), other);
  }

  @Test
  void cannotSubscribeToSlipwayWildcard() throws Exception {
    Device device = admittedDevice();

    assertSubscriptionDenied(device, "slipway/#", admittedDevice());
  }

  @Test
  void cannotSubscribeToEverything() throws Exception {
    Device device = admittedDevice();

    assertSubscriptionDenied(device, "#", admittedDevice());
  }

  @Test
  void cannotPublishAnotherDevicesEvents() throws Exception {
    assertServerNeverSees((device, other) -> ControlTopics.events(other.uuid()));
  }

  @Test
  void cannotPublishAnotherDevicesPresence() throws Exception {
    assertServerNeverSees((device, other) -> ControlTopics.presence(other.uuid()));
  }

  @Test
  void cannotPublishAnyCommands() throws Exception {
    Device device = admittedDevice();
    Device other = admittedDevice();
    Inbox otherInbox = subscribedToOwnCommands(other);
    MqttClient attacker = connect(device.uuid(), device.uuid(), device.key());

    attemptPublish(attacker, ControlTopics.commands(other.uuid()), "{\"type\":\"reboot\"}");
    attemptPublish(attacker, ControlTopics.commands(device.uuid()), "{\"type\":\"reboot\"}");
    serverPublish(ControlTopics.commands(other.uuid()), "marker");

    assertThat(otherInbox.awaitPayload("marker").payload()).isEqualTo("marker");
    assertThat(otherInbox.payloads()).containsExactly("marker");
  }

  @Test
  void serverReceivesEventsAndPresence() throws Exception {
    Device device = admittedDevice();
    Inbox server = serverInbox();
    MqttClient client = connect(device.uuid(), device.uuid(), device.key());

    client.publish(ControlTopics.events(device.uuid()), message("{\"type\":\"ack\"}", false));
    client.publish(ControlTopics.presence(device.uuid()), message("{\"online\":true}", true));

    assertThat(server.awaitPayload("{\"type\":\"ack\"}").topic())
        .isEqualTo(ControlTopics.events(device.uuid()));
    assertThat(server.awaitPayload("{\"online\":true}").topic())
        .isEqualTo(ControlTopics.presence(device.uuid()));
  }

  @Test
  void revokeDisconnectsDeviceAtOnce() throws Exception {
    Device device = admittedDevice();
    Inbox inbox = subscribedToOwnCommands(device);

    broker().revoke(device.uuid());

    await().atMost(WAIT).until(inbox::connectionLost);
  }

  @Test
  void revokedDeviceCannotReconnect() throws Exception {
    Device device = admittedDevice();
    connect(device.uuid(), device.uuid(), device.key());

    broker().revoke(device.uuid());

    assertRejected(device.uuid(), device.uuid(), device.key());
  }

  @Test
  void admitAgainLetsDeviceBack() throws Exception {
    Device device = admittedDevice();
    broker().revoke(device.uuid());

    admit(device);

    assertThat(connect(device.uuid(), device.uuid(), device.key()).isConnected()).isTrue();
  }

  @Test
  void mqtt5DeviceConfinedToOwnTopics() throws Exception {
    Device device = admittedDevice();
    Device other = admittedDevice();
    Inbox server = serverInbox();
    org.eclipse.paho.mqttv5.client.MqttClient client = connectMqtt5(device.uuid(), device.key());

    assertThat(mqtt5SubscriptionDenied(client, ControlTopics.commands(other.uuid()))).isTrue();
    client.publish(ControlTopics.events(device.uuid()), mqtt5Message("mqtt5-event"));

    assertThat(server.awaitPayload("mqtt5-event").topic())
        .isEqualTo(ControlTopics.events(device.uuid()));
  }

  @Test
  void mqtt5WrongKeyIsRejected() {
    Device device = admittedDevice();

    assertThatThrownBy(() -> connectMqtt5(device.uuid(), "sdk_wrong" + device.key()))
        .isInstanceOf(org.eclipse.paho.mqttv5.common.MqttException.class);
  }

  /** Creates a device with a fresh UUID and key, and admits it. */
  protected Device admittedDevice() {
    Device device = new Device(UUID.randomUUID().toString(), "sdk_" + UUID.randomUUID());
    admit(device);
    return device;
  }

  private void admit(Device device) {
    allowInAdmission(device.uuid(), device.key());
    broker().admit(device.uuid(), device.key());
  }

  private void assertRejected(String clientId, String user, String key) {
    assertThatThrownBy(() -> connect(clientId, user, key))
        .isInstanceOf(MqttException.class)
        .satisfies(
            e ->
                assertThat(((MqttException) e).getReasonCode())
                    .isIn(
                        (int) MqttException.REASON_CODE_FAILED_AUTHENTICATION,
                        (int) MqttException.REASON_CODE_NOT_AUTHORIZED,
                        (int) MqttException.REASON_CODE_INVALID_CLIENT_ID,
                        (int) MqttException.REASON_CODE_CONNECTION_LOST));
  }

  /**
   * Subscribes {@code device} to {@code filter}, expects a refusal (a failed SUBACK or a cut
   * connection), then proves that a command to {@code victim} does not reach {@code device}.
   */
  private void assertSubscriptionDenied(Device device, String filter, Device victim)
      throws Exception {
    Inbox inbox = subscribedToOwnCommands(device);
    MqttClient client = inbox.client();

    boolean denied;
    try {
      int[] granted = client.subscribeWithResponse(filter, 1).getGrantedQos();
      denied = granted.length == 1 && granted[0] == 0x80;
    } catch (MqttException e) {
      denied = true;
    }
    assertThat(denied).as("subscription to %s is rejected", filter).isTrue();

    serverPublish(ControlTopics.commands(victim.uuid()), "secret");
    if (!client.isConnected()) {
      return;
    }
    serverPublish(ControlTopics.commands(device.uuid()), "marker");
    inbox.awaitPayload("marker");
    assertThat(inbox.payloads()).containsExactly("marker");
  }

  /**
   * Lets a device publish to the topic that {@code forbidden} names, then has a second device
   * publish a marker to its own events, and proves that the server saw only the marker.
   */
  private void assertServerNeverSees(TopicChoice forbidden) throws Exception {
    Device device = admittedDevice();
    Device other = admittedDevice();
    Inbox server = serverInbox();
    MqttClient attacker = connect(device.uuid(), device.uuid(), device.key());
    MqttClient honest = connect(other.uuid(), other.uuid(), other.key());

    attemptPublish(attacker, forbidden.topic(device, other), "forged");
    honest.publish(ControlTopics.events(other.uuid()), message("marker", false));

    server.awaitPayload("marker");
    // Other tests' retained presence reaches this subscription too; only these devices count.
    assertThat(server.payloadsAbout(device, other)).containsExactly("marker");
  }

  /** Publishes at QoS 1 and waits until the broker acknowledged it or cut the connection. */
  private static void attemptPublish(MqttClient client, String topic, String payload) {
    try {
      IMqttDeliveryToken token = client.getTopic(topic).publish(message(payload, false));
      token.waitForCompletion(WAIT.toMillis());
    } catch (MqttException e) {
      // A rejected publish may cut the connection. Either way the broker has handled it.
    }
  }

  private Inbox subscribedToOwnCommands(Device device) throws MqttException {
    Inbox inbox = new Inbox();
    MqttClient client = connect(device.uuid(), device.uuid(), device.key(), inbox);
    inbox.client = client;
    int[] granted =
        client.subscribeWithResponse(ControlTopics.commands(device.uuid()), 1).getGrantedQos();
    assertThat(granted).containsExactly(1);
    return inbox;
  }

  private Inbox serverInbox() throws Exception {
    Inbox inbox = new Inbox();
    MqttClient client = openServerClient(inbox);
    inbox.client = client;
    client.subscribe(
        new String[] {ControlTopics.ALL_EVENTS, ControlTopics.ALL_PRESENCE}, new int[] {1, 1});
    return inbox;
  }

  private void serverPublish(String topic, String payload) throws Exception {
    openServerClient(new Inbox()).publish(topic, message(payload, false));
  }

  /** Connects a client the way the server does, through {@link ControlBroker#serverLink()}. */
  private MqttClient openServerClient(Inbox inbox) throws MqttException {
    BrokerLink link = broker().serverLink();
    return open(
        link.url().toString(),
        "slipway-server-" + UUID.randomUUID(),
        link.username(),
        link.password(),
        link.sslContext() == null ? null : link.sslContext().getSocketFactory(),
        inbox);
  }

  private MqttClient connect(String clientId, String user, String key) throws MqttException {
    return connect(clientId, user, key, new Inbox());
  }

  private MqttClient connect(String clientId, String user, String key, Inbox inbox)
      throws MqttException {
    DeviceEndpoint endpoint = broker().deviceEndpoint();
    String url = endpoint.url().toString().replaceFirst("^mqtts://", "ssl://");
    return open(url, clientId, user, key, deviceSocketFactory(endpoint), inbox);
  }

  private MqttClient open(
      String url,
      String clientId,
      String user,
      String password,
      SocketFactory socketFactory,
      Inbox inbox)
      throws MqttException {
    MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
    clients.add(client);
    client.setCallback(inbox);
    MqttConnectOptions options = options(user, password, socketFactory);
    options.setConnectionTimeout((int) WAIT.toSeconds());
    client.connect(options);
    return client;
  }

  /** Returns MQTT 3.1.1 options for a clean session without reconnects; null sockets for plain. */
  static MqttConnectOptions options(String user, String password, SocketFactory socketFactory) {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(true);
    options.setAutomaticReconnect(false);
    options.setUserName(user);
    options.setPassword(password.toCharArray());
    if (socketFactory != null) {
      options.setSocketFactory(socketFactory);
    }
    return options;
  }

  private org.eclipse.paho.mqttv5.client.MqttClient connectMqtt5(String uuid, String key)
      throws org.eclipse.paho.mqttv5.common.MqttException {
    DeviceEndpoint endpoint = broker().deviceEndpoint();
    String url = endpoint.url().toString().replaceFirst("^mqtts://", "ssl://");
    org.eclipse.paho.mqttv5.client.MqttClient client =
        new org.eclipse.paho.mqttv5.client.MqttClient(
            url, uuid, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
    mqtt5Clients.add(client);
    org.eclipse.paho.mqttv5.client.MqttConnectionOptions options =
        new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
    options.setCleanStart(true);
    options.setAutomaticReconnect(false);
    options.setUserName(uuid);
    options.setPassword(key.getBytes(StandardCharsets.UTF_8));
    options.setConnectionTimeout((int) WAIT.toSeconds());
    SocketFactory socketFactory = deviceSocketFactory(endpoint);
    if (socketFactory != null) {
      options.setSocketFactory(socketFactory);
    }
    client.connect(options);
    return client;
  }

  /** Returns whether the broker rejected the subscription with a reason code or an exception. */
  private static boolean mqtt5SubscriptionDenied(
      org.eclipse.paho.mqttv5.client.MqttClient client, String filter) {
    try {
      int[] codes = client.subscribe(filter, 1).getReasonCodes();
      return codes.length == 1 && codes[0] >= 0x80;
    } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
      return true;
    }
  }

  private static org.eclipse.paho.mqttv5.common.MqttMessage mqtt5Message(String payload) {
    org.eclipse.paho.mqttv5.common.MqttMessage message =
        new org.eclipse.paho.mqttv5.common.MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    return message;
  }

  /**
   * Returns the socket factory devices connect with: one that trusts the endpoint's CA certificate,
   * or null for the JVM's defaults when the endpoint names none. Subclasses whose devices reach the
   * broker through a proxy with its own certificate override this.
   */
  protected SocketFactory deviceSocketFactory(DeviceEndpoint endpoint) {
    if (endpoint.caCertificatePem() == null) {
      return null;
    }
    return trusting(endpoint.caCertificatePem());
  }

  /** Returns a TLS socket factory that trusts the PEM certificate {@code pem} alone. */
  protected static SocketFactory trusting(String pem) {
    try {
      return TrustedCertificates.trustingPem(pem).getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot trust the broker's certificate", e);
    }
  }

  private static MqttMessage message(String payload, boolean retained) {
    MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    message.setRetained(retained);
    return message;
  }

  /**
   * A device known to the broker.
   *
   * @param uuid its UUID, also its MQTT client id and user name
   * @param key its device key, its MQTT password
   */
  protected record Device(String uuid, String key) {}

  /** A message as a client received it. */
  record Received(String topic, String payload) {}

  @FunctionalInterface
  private interface TopicChoice {
    String topic(Device device, Device other);
  }

  /** Collects what one client receives, and whether it lost its connection. */
  private static final class Inbox implements MqttCallback {

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean lost;
    private volatile MqttClient client;

    MqttClient client() {
      return client;
    }

    boolean connectionLost() {
      return lost;
    }

    List<String> payloads() {
      return received.stream().map(Received::payload).toList();
    }

    List<String> payloadsAbout(Device... devices) {
      return received.stream()
          .filter(r -> Arrays.stream(devices).anyMatch(d -> r.topic().contains(d.uuid())))
          .map(Received::payload)
          .toList();
    }

    Received awaitPayload(String payload) {
      return await()
          .atMost(WAIT)
          .until(
              () ->
                  received.stream()
                      .filter(r -> r.payload().equals(payload))
                      .findFirst()
                      .orElse(null),
              found -> found != null);
    }

    @Override
    public void connectionLost(Throwable cause) {
      lost = true;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
