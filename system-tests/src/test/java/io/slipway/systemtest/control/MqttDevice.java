package io.slipway.systemtest.control;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A raw MQTT 3.1.1 client (Paho) that signs in to a broker as a device does: client id and user
 * name the device's UUID, its key as the password. It plays a device that does not run the agent,
 * or an attacker who has a device's key, and records every message it receives.
 *
 * <p>Thread-safe: Paho's callback thread appends to a concurrent list.
 */
final class MqttDevice implements AutoCloseable {

  private final MqttClient client;
  private final List<String> received = new CopyOnWriteArrayList<>();

  private MqttDevice(MqttClient client) {
    this.client = client;
  }

  /**
   * Connects to {@code url} as device {@code uuid} with {@code key}.
   *
   * @param url the broker URL that the server sends devices, {@code mqtts://}, {@code ssl://} or
   *     {@code tcp://}
   * @param tls the TLS socket factory for an encrypted URL, else null
   * @throws MqttException when the broker refuses the connection, with its reason code
   */
  static MqttDevice connect(URI url, String uuid, String key, SSLSocketFactory tls)
      throws MqttException {
    MqttClient client = new MqttClient(pahoUrl(url), uuid, new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(true);
    options.setAutomaticReconnect(false);
    options.setConnectionTimeout(10);
    options.setUserName(uuid);
    options.setPassword(key.toCharArray());
    if (tls != null) {
      options.setSocketFactory(tls);
    }
    try {
      client.connect(options);
    } catch (MqttException e) {
      client.close(true);
      throw e;
    }
    return new MqttDevice(client);
  }

  /** Converts the server's {@code mqtts://} to Paho's name for TLS, {@code ssl://}. */
  private static String pahoUrl(URI url) {
    String text = url.toString();
    return text.startsWith("mqtts://") ? "ssl://" + text.substring("mqtts://".length()) : text;
  }

  /**
   * Subscribes to {@code topic} with QoS 1, recording what arrives.
   *
   * @throws MqttException when the broker refuses the subscription (Paho turns a failure return
   *     code into one) or closes the connection
   */
  void subscribe(String topic) throws MqttException {
    client.subscribe(
        topic,
        1,
        (arrived, message) ->
            received.add(arrived + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
  }

  /** Publishes {@code json} to {@code topic} with QoS 1. */
  void publish(String topic, String json) throws MqttException {
    MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    client.publish(topic, message);
  }

  /** Returns every message received so far as {@code TOPIC PAYLOAD}. */
  List<String> received() {
    return List.copyOf(received);
  }

  /** Disconnects, or drops the connection when the broker has already closed it. */
  @Override
  public void close() throws MqttException {
    try {
      if (client.isConnected()) {
        client.disconnect(2_000);
      }
    } finally {
      client.close(true);
    }
  }
}
