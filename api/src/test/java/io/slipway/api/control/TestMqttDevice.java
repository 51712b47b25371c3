package io.slipway.api.control;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A device on the control channel for tests, as a plain Paho client: it connects with its UUID as
 * client id and user name, leaves {@code {"online": false}} as its retained last will, publishes
 * that it is online, subscribes to its commands and keeps them in a queue. Not thread-safe; one
 * test drives it.
 */
public final class TestMqttDevice implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String uuid;
  private final MqttClient client;
  private final BlockingQueue<JsonNode> commands = new LinkedBlockingQueue<>();

  private TestMqttDevice(String uuid, MqttClient client) {
    this.uuid = uuid;
    this.client = client;
  }

  /** Connects device {@code uuid} to {@code broker} with {@code password}, and goes online. */
  public static TestMqttDevice connect(URI broker, String uuid, String password)
      throws MqttException {
    return connect(broker, uuid, password, null);
  }

  /**
   * Connects device {@code uuid} to {@code broker} with {@code password} over TLS that trusts
   * {@code trust} (null for a plain connection), and goes online.
   */
  public static TestMqttDevice connect(URI broker, String uuid, String password, SSLContext trust)
      throws MqttException {
    MqttClient client = new MqttClient(broker.toString(), uuid, new MemoryPersistence());
    TestMqttDevice device = new TestMqttDevice(uuid, client);
    MqttConnectOptions options = new MqttConnectOptions();
    if (trust != null) {
      options.setSocketFactory(trust.getSocketFactory());
    }
    options.setCleanSession(true);
    options.setUserName(uuid);
    options.setPassword(password.toCharArray());
    options.setWill(ControlTopics.presence(uuid), bytes("{\"online\": false}"), 1, true);
    client.connect(options);
    client.subscribe(
        ControlTopics.commands(uuid),
        1,
        (topic, message) -> device.commands.add(JSON.readTree(message.getPayload())));
    device.publishPresence("{\"online\": true, \"agentVersion\": \"test\"}");
    return device;
  }

  public String uuid() {
    return uuid;
  }

  /** Publishes {@code json} as the device's retained presence. */
  public void publishPresence(String json) throws MqttException {
    client.publish(ControlTopics.presence(uuid), bytes(json), 1, true);
  }

  /** Publishes {@code json} on the device's own events topic and waits for the broker's PUBACK. */
  public void publishEvent(String json) throws MqttException {
    publishEvent(uuid, json);
  }

  /**
   * Publishes {@code json} on the events topic of device {@code topicUuid}, which an open broker
   * allows, to play a device that speaks for another one.
   */
  public void publishEvent(String topicUuid, String json) throws MqttException {
    MqttMessage message = new MqttMessage(bytes(json));
    message.setQos(1);
    client.publish(ControlTopics.events(topicUuid), message);
  }

  /** Acknowledges command {@code commandId}; null texts are sent as JSON null. */
  public void ack(String commandId, boolean ok, String result, String error) throws MqttException {
    publishEvent(ackJson(commandId, ok, result, error));
  }

  /** Returns the JSON of an acknowledgement. */
  public static String ackJson(String commandId, boolean ok, String result, String error) {
    Map<String, Object> ack = new LinkedHashMap<>();
    ack.put("type", "ack");
    ack.put("commandId", commandId);
    ack.put("ok", ok);
    ack.put("result", result);
    ack.put("error", error);
    return JSON.writeValueAsString(ack);
  }

  /**
   * Returns the next command the device received, waiting up to 20 seconds.
   *
   * @throws AssertionError when none arrives
   */
  public JsonNode nextCommand() throws InterruptedException {
    JsonNode command = commands.poll(20, TimeUnit.SECONDS);
    if (command == null) {
      throw new AssertionError("Device " + uuid + " received no command within 20 s");
    }
    return command;
  }

  /** Returns the next command if one arrives within {@code wait}, else null. */
  public JsonNode pollCommand(Duration wait) throws InterruptedException {
    return commands.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Drops the connection without a DISCONNECT packet, so the broker publishes the last will. */
  public void vanish() throws MqttException {
    client.disconnectForcibly(0, 1000, false);
  }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) {
      client.disconnect();
    }
    client.close();
  }

  /**
   * Polls {@code condition} every 20 ms until it is true or 20 seconds pass.
   *
   * @throws AssertionError naming {@code what} when it stays false
   */
  public static void awaitCondition(String what, BooleanSupplier condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Timed out after 20 s waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
