package io.slipway.cli.device;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A device on the control channel played by a plain Paho client, so that the CLI's commands get
 * real acknowledgements over the real broker. It connects with its UUID and key, publishes that it
 * is online, and acknowledges each command on its events topic with what {@code answers} returns
 * for it, or not at all when that is null. Thread-safe: Paho calls the handler on its own thread.
 */
final class AcknowledgingDevice implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * The acknowledgement the device sends for one command; {@code error} only when {@code ok} is
   * false.
   */
  record Answer(boolean ok, String result, String error) {}

  private final String uuid;
  private final MqttClient client;
  private final Function<JsonNode, Answer> answers;

  private AcknowledgingDevice(String uuid, MqttClient client, Function<JsonNode, Answer> answers) {
    this.uuid = uuid;
    this.client = client;
    this.answers = answers;
  }

  /**
   * Connects device {@code uuid} with {@code deviceKey} to the broker at {@code brokerUrl}, such as
   * {@code ws://127.0.0.1:PORT/mqtt}, and starts acknowledging its commands.
   */
  static AcknowledgingDevice connect(
      String brokerUrl, String uuid, String deviceKey, Function<JsonNode, Answer> answers)
      throws MqttException {
    MqttClient client = new MqttClient(brokerUrl, uuid, new MemoryPersistence());
    AcknowledgingDevice device = new AcknowledgingDevice(uuid, client, answers);
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setUserName(uuid);
    options.setPassword(deviceKey.toCharArray());
    options.setWill(topic(uuid, "presence"), bytes("{\"online\": false}"), 1, true);
    client.connect(options);
    client.subscribe(
        device.topic("commands"), 1, (topic, message) -> device.answer(message.getPayload()));
    client.publish(
        device.topic("presence"), bytes("{\"online\": true, \"agentVersion\": \"test\"}"), 1, true);
    return device;
  }

  private void answer(byte[] payload) throws MqttException {
    JsonNode command = JSON.readTree(payload);
    Answer answer = answers.apply(command);
    if (answer == null) {
      return;
    }
    Map<String, Object> ack = new LinkedHashMap<>();
    ack.put("type", "ack");
    ack.put("commandId", command.path("id").asString());
    ack.put("ok", answer.ok());
    ack.put("result", answer.result());
    ack.put("error", answer.error());
    MqttMessage message = new MqttMessage(bytes(JSON.writeValueAsString(ack)));
    message.setQos(1);
    client.publish(topic("events"), message);
  }

  private String topic(String kind) {
    return topic(uuid, kind);
  }

  private static String topic(String uuid, String kind) {
    return "slipway/devices/" + uuid + "/" + kind;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Polls {@code condition} every 50 ms until it is true or 20 seconds pass.
   *
   * @throws AssertionError naming {@code what} when it stays false
   */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Timed out after 20 s waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) {
      client.disconnect();
    }
    client.close();
  }
}
