package io.slipway.api.control.broker;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MQTT connection to Mosquitto that sends dynamic-security commands to {@code
 * $CONTROL/dynamic-security/v1} and matches the responses on {@code .../response} by their
 * correlation data. Several servers, or several threads, may share the response topic: each request
 * waits only for its own ids.
 *
 * <p>Thread-safe. The connection reconnects on its own and subscribes to the responses again;
 * requests sent while it is down fail at once.
 */
final class DynamicSecurityClient implements AutoCloseable {

  static final String REQUEST_TOPIC = "$CONTROL/dynamic-security/v1";
  static final String RESPONSE_TOPIC = REQUEST_TOPIC + "/response";

  private static final Logger log = LoggerFactory.getLogger(DynamicSecurityClient.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int SUBSCRIPTION_REFUSED = 0x80;

  private final MqttAsyncClient client;
  private final URI url;
  private final String username;
  private final Duration timeout;
  private final Map<String, CompletableFuture<DynamicSecurityResponse>> pending =
      new ConcurrentHashMap<>();

  private DynamicSecurityClient(MqttAsyncClient client, BrokerLink link, Duration timeout) {
    this.client = client;
    this.url = link.url();
    this.username = link.username();
    this.timeout = timeout;
  }

  /**
   * Connects as {@code link}'s user and subscribes to the plugin's responses.
   *
   * @param timeout the bound of the connection and of each later request
   * @throws ControlBrokerException when the broker cannot be reached, rejects the user, or does not
   *     let it read the responses
   */
  static DynamicSecurityClient connect(BrokerLink link, Duration timeout) {
    MqttAsyncClient mqtt;
    try {
      String clientId = "slipway-dynsec-" + UUID.randomUUID().toString().substring(0, 8);
      mqtt = new MqttAsyncClient(link.url().toString(), clientId, new MemoryPersistence());
    } catch (MqttException | IllegalArgumentException e) {
      throw new ControlBrokerException(
          "Invalid Mosquitto URL " + link.url() + "; use tcp://, ssl://, ws:// or wss://", e);
    }
    DynamicSecurityClient dynsec = new DynamicSecurityClient(mqtt, link, timeout);
    mqtt.setCallback(dynsec.new Callback());
    try {
      mqtt.connect(options(link, timeout)).waitForCompletion(timeout.toMillis());
      dynsec.subscribe();
      return dynsec;
    } catch (MqttException e) {
      dynsec.close();
      throw connectFailure(link, e);
    } catch (RuntimeException e) {
      dynsec.close();
      throw e;
    }
  }

  private static ControlBrokerException connectFailure(BrokerLink link, MqttException e) {
    int reason = e.getReasonCode();
    boolean rejected =
        reason == MqttException.REASON_CODE_FAILED_AUTHENTICATION
            || reason == MqttException.REASON_CODE_NOT_AUTHORIZED;
    String fix =
        rejected
            ? "check slipway.control.external.username and slipway.control.external.password"
            : "check slipway.control.external.url and slipway.control.external.ca-certificate";
    return new ControlBrokerException(
        "Connecting to Mosquitto at "
            + link.url()
            + " as "
            + link.username()
            + " failed: "
            + e.getMessage()
            + " (reason "
            + reason
            + "); "
            + fix,
        e);
  }

  /**
   * Sends {@code commands} in one request and returns their responses in the same order.
   *
   * @param subject what the request is about, such as {@code device 0f3c...}, for error messages
   * @throws ControlBrokerException when the request cannot be sent or not every response arrives
   *     within the timeout
   */
  List<DynamicSecurityResponse> send(String subject, List<ObjectNode> commands) {
    ObjectNode request = JSON.createObjectNode();
    ArrayNode entries = request.putArray("commands");
    List<String> ids = new ArrayList<>();
    for (ObjectNode command : commands) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      pending.put(id, new CompletableFuture<>());
      entries.add(command.deepCopy().put("correlationData", id));
    }
    String names = names(commands);
    try {
      publish(request, names, subject);
      return await(ids, names, subject);
    } finally {
      ids.forEach(pending::remove);
    }
  }

  /** Returns the broker's URL, for messages. */
  URI url() {
    return url;
  }

  /** Disconnects and releases the client; idempotent. */
  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect(0).waitForCompletion(timeout.toMillis());
      }
    } catch (MqttException e) {
      log.warn("Disconnecting from Mosquitto at {} failed: {}", url, e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.warn("Closing the Mosquitto client for {} failed: {}", url, e.toString());
    }
    pending.values().forEach(future -> future.cancel(false));
  }

  private void publish(ObjectNode request, String names, String subject) {
    byte[] payload = JSON.writeValueAsBytes(request);
    try {
      IMqttDeliveryToken token = client.publish(REQUEST_TOPIC, payload, 1, false);
      token.waitForCompletion(timeout.toMillis());
    } catch (MqttException e) {
      throw new ControlBrokerException(
          "Sending " + names + " for " + subject + " to Mosquitto at " + url + " failed: " + e, e);
    }
  }

  private List<DynamicSecurityResponse> await(List<String> ids, String names, String subject) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<DynamicSecurityResponse> responses = new ArrayList<>();
    try {
      for (String id : ids) {
        long left = Math.max(0, deadline - System.nanoTime());
        responses.add(pending.get(id).get(left, TimeUnit.NANOSECONDS));
      }
      return responses;
    } catch (TimeoutException e) {
      throw new ControlBrokerException(
          "Mosquitto at "
              + url
              + " did not answer "
              + names
              + " for "
              + subject
              + " within "
              + timeout.toSeconds()
              + " s; check that it loads the dynamic-security plugin and that "
              + username
              + " holds the plugin's admin role",
          e);
    } catch (ExecutionException e) {
      throw new ControlBrokerException("Reading Mosquitto's response to " + names + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlBrokerException("Interrupted while waiting for Mosquitto's " + names, e);
    }
  }

  private void subscribe() throws MqttException {
    IMqttToken token = client.subscribe(RESPONSE_TOPIC, 1);
    token.waitForCompletion(timeout.toMillis());
    int[] granted = token.getGrantedQos();
    if (granted.length == 1 && granted[0] == SUBSCRIPTION_REFUSED) {
      throw new ControlBrokerException(
          "Mosquitto at "
              + url
              + " does not let "
              + username
              + " subscribe to "
              + RESPONSE_TOPIC
              + "; give that user the dynamic-security admin role");
    }
  }

  private void complete(MqttMessage message) {
    JsonNode responses = JSON.readTree(message.getPayload()).path("responses");
    for (JsonNode response : responses) {
      String id = response.path("correlationData").asString(null);
      CompletableFuture<DynamicSecurityResponse> future = id == null ? null : pending.get(id);
      if (future != null) {
        future.complete(
            new DynamicSecurityResponse(
                response.path("command").asString(""),
                response.path("error").asString(null),
                response.path("data")));
      }
    }
  }

  private static MqttConnectOptions options(BrokerLink link, Duration timeout) {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(true);
    options.setAutomaticReconnect(true);
    options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
    options.setUserName(link.username());
    options.setPassword(link.password().toCharArray());
    if (link.sslContext() != null) {
      options.setSocketFactory(link.sslContext().getSocketFactory());
    }
    return options;
  }

  private static String names(List<ObjectNode> commands) {
    return String.join(
        ", ", commands.stream().map(command -> command.path("command").asString()).toList());
  }

  /** Routes responses to the waiting requests and subscribes again after a reconnect. */
  private final class Callback implements MqttCallbackExtended {

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (!reconnect) {
        return;
      }
      log.info("Reconnected to Mosquitto at {}; subscribing to {} again", url, RESPONSE_TOPIC);
      try {
        // Asynchronous on purpose: this runs on Paho's callback thread, which must not block.
        client.subscribe(RESPONSE_TOPIC, 1);
      } catch (MqttException e) {
        log.warn("Subscribing to {} at {} again failed: {}", RESPONSE_TOPIC, url, e.toString());
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      log.warn("Lost the connection to Mosquitto at {}; reconnecting: {}", url, cause.toString());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      // An exception here would make Paho drop the connection, so a bad payload is only logged.
      try {
        complete(message);
      } catch (JacksonException e) {
        log.warn("Ignored an unreadable message on {} from {}: {}", topic, url, e.toString());
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
