package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.ControlTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks that the embedded HiveMQ keeps a backlog of devices' events for the server's subscription
 * when the server falls behind, as it does when thousands of devices acknowledge a fleet-wide
 * command at once. The server's client stops taking messages until a device has published more
 * events than HiveMQ's default queue of 1,000 holds, then every event must still arrive.
 */
class EmbeddedBrokerBacklogIT {

  private static final int EVENTS = 2_500;
  private static final long WAIT_SECONDS = 60;

  private final Map<String, String> keys = new ConcurrentHashMap<>();
  private EmbeddedBroker broker;
  private MqttClient server;
  private MqttClient device;

  @BeforeEach
  void startBroker() throws Exception {
    ControlProperties.Embedded embedded =
        new ControlProperties.Embedded("127.0.0.1", 0, "127.0.0.1", -1, "/mqtt", null, null);
    broker =
        new EmbeddedBroker(
            new EmbeddedBrokerSettings(
                embedded, null, null, Files.createTempDirectory("broker-backlog")),
            (uuid, key) -> key.equals(keys.get(uuid)));
    broker.start();
  }

  @AfterEach
  void stopAll() throws MqttException {
    for (MqttClient client : new MqttClient[] {device, server}) {
      if (client != null && client.isConnected()) {
        client.disconnectForcibly(1000, 1000);
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void slowServerReceivesEveryEvent() throws Exception {
    CountDownLatch published = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    server = serverSubscribedToEvents(published, received);

    String uuid = UUID.randomUUID().toString();
    String key = "sdk_" + UUID.randomUUID();
    keys.put(uuid, key);
    broker.admit(uuid, key);
    device = deviceClient(uuid, key);
    for (int i = 0; i < EVENTS; i++) {
      MqttMessage event = new MqttMessage(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
      event.setQos(1);
      device.publish(ControlTopics.events(uuid), event);
    }
    published.countDown();

    assertThat(eventually(received, EVENTS)).isEqualTo(EVENTS);
  }

  /** Connects the server's client, whose callback keeps every message until {@code gate} opens. */
  private MqttClient serverSubscribedToEvents(CountDownLatch gate, AtomicInteger received)
      throws MqttException {
    BrokerLink link = broker.serverLink();
    MqttClient client =
        new MqttClient(link.url().toString(), "slipway-server-backlog", new MemoryPersistence());
    client.setCallback(new HeldCallback(gate, received));
    client.connect(
        ControlBrokerContract.options(
            link.username(), link.password(), link.sslContext().getSocketFactory()));
    client.subscribe(ControlTopics.ALL_EVENTS, 1);
    return client;
  }

  private MqttClient deviceClient(String uuid, String key) throws MqttException {
    DeviceEndpoint endpoint = broker.deviceEndpoint();
    String url = endpoint.url().toString().replaceFirst("^mqtts://", "ssl://");
    MqttClient client = new MqttClient(url, uuid, new MemoryPersistence());
    MqttConnectOptions options =
        ControlBrokerContract.options(
            uuid, key, ControlBrokerContract.trusting(endpoint.caCertificatePem()));
    // Paho frees an in-flight slot just after a blocking publish returns, so with its default
    // of 10 slots a fast loop of publishes fails now and then with "too many publishes".
    options.setMaxInflight(EVENTS);
    client.connect(options);
    return client;
  }

  /** Polls {@code counter} until it reaches {@code target} or the wait ends; returns its value. */
  private static int eventually(AtomicInteger counter, int target) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    int last = -1;
    long lastChange = System.nanoTime();
    while (counter.get() < target && System.nanoTime() < end) {
      int now = counter.get();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(5)) {
        // Nothing arrived for five seconds: the broker dropped the rest.
        break;
      }
      Thread.sleep(50);
    }
    return counter.get();
  }

  /** Counts events, blocking Paho's callback thread until the gate opens. */
  private record HeldCallback(CountDownLatch gate, AtomicInteger received) implements MqttCallback {

    @Override
    public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
      gate.await(WAIT_SECONDS, TimeUnit.SECONDS);
      received.incrementAndGet();
    }

    @Override
    public void connectionLost(Throwable cause) {}

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
