package io.slipway.agent.control;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A Paho client playing the server's side of the control channel in tests: it sends commands and
 * collects what devices publish on their events and presence topics. Thread-safe.
 */
final class ServerSide implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** One message a device published. */
  record Received(String topic, String payload, boolean retained) {}

  private final MqttClient client;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private ServerSide(MqttClient client) {
    this.client = client;
  }

  /**
   * Connects to the broker at {@code url} (Paho's form) as {@code clientId} and subscribes to all
   * devices.
   */
  static ServerSide connect(URI url, String clientId) throws MqttException {
    MqttClient client = new MqttClient(url.toString(), clientId, new MemoryPersistence());
    ServerSide server = new ServerSide(client);
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    client.connect(options);
    client.subscribe(
        new String[] {"slipway/devices/+/events", "slipway/devices/+/presence"},
        new int[] {1, 1},
        new IMqttMessageListener[] {server::collect, server::collect});
    return server;
  }

  /** Publishes {@code json} as a command to {@code device} with QoS 1. */
  void send(String device, String json) throws MqttException {
    MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    client.publish(ControlChannel.commandsTopic(device), message);
  }

  /** Waits up to 30 seconds for a message that matches; returns it, or null. */
  Received await(Predicate<Received> matching) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Received message : received) {
        if (matching.test(message)) {
          return message;
        }
      }
      Thread.sleep(20);
    }
    return null;
  }

  /** Waits for a message on {@code topic} whose payload contains {@code text}. */
  Received await(String topic, String text) throws InterruptedException {
    return await(message -> message.topic().equals(topic) && message.payload().contains(text));
  }

  /** Forgets what arrived so far. */
  void clear() {
    received.clear();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) {
      client.disconnect();
    }
    client.close();
  }

  private void collect(String topic, MqttMessage message) {
    received.add(
        new Received(
            topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.isRetained()));
  }
}
