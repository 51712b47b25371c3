package io.slipway.api.control.link;

import io.slipway.api.control.ControlTopics;
import io.slipway.api.control.broker.BrokerLink;
import io.slipway.api.control.broker.ControlBrokerException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
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
import org.springframework.context.SmartLifecycle;

/**
 * The server's MQTT connection to the control channel's broker, on one Paho {@link MqttAsyncClient}
 * with a clean session. It subscribes to every device's events and presence with QoS 1 at each
 * connect, keeps which devices are online in memory from their retained presence messages, and
 * hands events to listeners with the device UUID taken from the topic. Paho reconnects by itself
 * once connected; until the first connect succeeds, a background thread retries with a growing
 * delay of up to {@value #MAX_RETRY_SECONDS} seconds, so that a broker that starts late or is down
 * does not stop the server. Thread-safe.
 */
public final class PahoControlLink implements ControlLink, SmartLifecycle {

  /** How many published messages may wait for the broker's PUBACK at once. */
  static final int MAX_INFLIGHT = 1000;

  private static final int QOS = 1;
  private static final long MAX_RETRY_SECONDS = 30;
  private static final long CONNECT_WAIT_MILLIS = 15_000;
  private static final long PUBLISH_WAIT_SECONDS = 10;
  private static final Logger log = LoggerFactory.getLogger(PahoControlLink.class);

  private final Supplier<BrokerLink> endpoint;
  private final String clientId;
  private final PresenceTable presence;
  private final WarningLimiter warnings;
  private final List<BiConsumer<String, byte[]>> listeners = new CopyOnWriteArrayList<>();
  private final Semaphore inflight = new Semaphore(MAX_INFLIGHT);
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "control-link-connect");
            thread.setDaemon(true);
            return thread;
          });

  private volatile MqttAsyncClient client;
  private volatile boolean running;

  /**
   * Creates a link that is not connected yet; {@link #start()} connects it.
   *
   * @param endpoint how to reach the broker, called at each connect attempt. It returns null when
   *     the server has no broker, and may throw while the broker is still starting.
   * @param clientId the MQTT client id; unique among the servers that share a broker
   */
  public PahoControlLink(Supplier<BrokerLink> endpoint, String clientId, Clock clock) {
    this.endpoint = endpoint;
    this.clientId = clientId;
    this.warnings = new WarningLimiter(20, clock);
    this.presence = new PresenceTable(warnings);
  }

  @Override
  public void publish(String uuid, byte[] json) {
    MqttAsyncClient current = client;
    if (current == null || !current.isConnected()) {
      throw new ControlBrokerException(
          "The server is not connected to the control channel's broker, so nothing was sent to"
              + " device "
              + uuid
              + "; it reconnects by itself, try again shortly");
    }
    acquireSlot(uuid);

    try {
      current.publish(
          ControlTopics.commands(uuid), json, QOS, false, null, new PublishOutcome(uuid));
    } catch (MqttException e) {
      inflight.release();
      throw new ControlBrokerException(
          "Could not publish to device " + uuid + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean isOnline(String uuid) {
    return presence.isOnline(uuid);
  }

  @Override
  public void forgetPresence(String uuid) {
    presence.online().remove(uuid);
  }

  @Override
  public void onEvent(BiConsumer<String, byte[]> listener) {
    listeners.add(listener);
  }

  /** Returns whether the link is connected to the broker right now. */
  public boolean isConnected() {
    MqttAsyncClient current = client;
    return current != null && current.isConnected();
  }

  /**
   * Connects to the broker, waiting up to 15 seconds for the first attempt; a failed attempt is
   * retried in the background.
   */
  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    attemptConnect(1);
  }

  /** Disconnects and stops retrying; idempotent. */
  @Override
  public synchronized void stop() {
    running = false;
    retries.shutdownNow();
    MqttAsyncClient current = client;
    client = null;
    if (current == null) {
      return;
    }
    try {
      if (current.isConnected()) {
        current.disconnect(1000).waitForCompletion(2000);
      }
    } catch (MqttException e) {
      log.debug("Control link did not disconnect cleanly: {}", e.getMessage());
    }
    try {
      current.close(true);
    } catch (MqttException e) {
      log.debug("Control link did not close cleanly: {}", e.getMessage());
    }
    log.info("Control link {} closed", clientId);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void acquireSlot(String uuid) {
    try {
      if (!inflight.tryAcquire(PUBLISH_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new ControlBrokerException(
            "The broker did not acknowledge the last "
                + MAX_INFLIGHT
                + " messages within "
                + PUBLISH_WAIT_SECONDS
                + " s, so nothing was sent to device "
                + uuid
                + "; check the broker's load");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlBrokerException("Interrupted while publishing to device " + uuid, e);
    }
  }

  /** Tries to connect once; schedules attempt {@code attempt + 1} when it fails. */
  private void attemptConnect(int attempt) {
    if (!running) {
      return;
    }
    BrokerLink link;
    try {
      link = endpoint.get();
    } catch (RuntimeException e) {
      retryLater(attempt, "the broker is not ready: " + e.getMessage());
      return;
    }
    if (link == null) {
      log.info("No control broker is configured, so the control link stays off");
      return;
    }

    MqttAsyncClient current;
    try {
      current = clientFor(link);
    } catch (MqttException | IllegalArgumentException e) {
      // Paho rejects URLs it cannot use, such as mqtts://, and trying again would not help.
      log.error(
          "Control link {} cannot use broker URL {}: {}; the server sends no commands until the"
              + " broker settings name a tcp://, ssl://, ws:// or wss:// URL",
          clientId,
          link.url(),
          e.getMessage());
      return;
    }

    if (current.isConnected()) {
      return;
    }
    try {
      current.connect(options(link)).waitForCompletion(CONNECT_WAIT_MILLIS);
      log.info("Control link {} connected to {}", clientId, link.url());
    } catch (MqttException | RuntimeException e) {
      retryLater(attempt, link.url() + " refused or did not answer: " + e.getMessage());
    }
  }

  private void retryLater(int attempt, String reason) {
    long delay = Math.min(MAX_RETRY_SECONDS, 1L << Math.min(attempt, 5));
    log.warn(
        "Control link {} could not connect ({}); attempt {} follows in {} s",
        clientId,
        reason,
        attempt + 1,
        delay);
    try {
      retries.schedule(() -> attemptConnect(attempt + 1), delay, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("Control link stopped before attempt {}", attempt + 1);
    }
  }

  private synchronized MqttAsyncClient clientFor(BrokerLink link) throws MqttException {
    MqttAsyncClient current = client;
    if (current != null && current.getServerURI().equals(link.url().toString())) {
      return current;
    }
    if (current != null) {
      current.close(true);
    }
    current = new MqttAsyncClient(link.url().toString(), clientId, new MemoryPersistence());
    current.setCallback(new Callback());
    client = current;
    return current;
  }

  private static MqttConnectOptions options(BrokerLink link) {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay((int) (MAX_RETRY_SECONDS * 1000));
    options.setKeepAliveInterval(30);
    options.setConnectionTimeout(10);
    options.setMaxInflight(MAX_INFLIGHT);
    options.setUserName(link.username());
    options.setPassword(link.password().toCharArray());
    if (link.sslContext() != null) {
      options.setSocketFactory(link.sslContext().getSocketFactory());
    }
    return options;
  }

  private void dispatch(String topic, MqttMessage message) {
    Optional<String> device = ControlTopics.deviceOf(topic);
    if (device.isEmpty()) {
      log.debug("Control link ignored a message on topic {}", topic);
      return;
    }
    String uuid = device.get();
    if (topic.equals(ControlTopics.presence(uuid))) {
      presence.update(uuid, message.getPayload());
      return;
    }
    if (!topic.equals(ControlTopics.events(uuid))) {
      return;
    }
    for (BiConsumer<String, byte[]> listener : listeners) {
      try {
        listener.accept(uuid, message.getPayload());
      } catch (RuntimeException e) {
        log.error("An event listener failed on an event of device {}", uuid, e);
      }
    }
  }

  /** Paho's callbacks, on its callback thread. */
  private final class Callback implements MqttCallbackExtended {

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      // A clean session starts without subscriptions, and the retained presence messages that
      // the new subscription delivers rebuild the table, so devices that left meanwhile drop out.
      presence.clear();
      subscribe(serverUri);
      if (reconnect) {
        log.info("Control link {} reconnected to {}", clientId, serverUri);
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      log.warn(
          "Control link {} lost its connection to the broker ({}); reconnecting",
          clientId,
          cause == null ? "no reason given" : cause.getMessage());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      dispatch(topic, message);
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // PublishOutcome handles each delivery.
    }

    private void subscribe(String serverUri) {
      MqttAsyncClient current = client;
      if (current == null) {
        return;
      }
      try {
        current.subscribe(
            new String[] {ControlTopics.ALL_EVENTS, ControlTopics.ALL_PRESENCE},
            new int[] {QOS, QOS},
            null,
            new SubscribeOutcome(serverUri));
      } catch (MqttException e) {
        log.error(
            "Control link {} could not subscribe to devices' events at {}: {}",
            clientId,
            serverUri,
            e.getMessage());
      }
    }
  }

  /** Logs a refused subscription; the broker grants QoS 128 for a filter it refuses. */
  private final class SubscribeOutcome implements IMqttActionListener {

    private final String serverUri;

    SubscribeOutcome(String serverUri) {
      this.serverUri = serverUri;
    }

    @Override
    public void onSuccess(IMqttToken token) {
      int[] granted = token.getGrantedQos();
      for (int qos : granted == null ? new int[0] : granted) {
        if (qos > 2) {
          log.error(
              "Broker {} refused the control link's subscription to devices' events or presence;"
                  + " give user {} the right to subscribe to {} and {}",
              serverUri,
              clientId,
              ControlTopics.ALL_EVENTS,
              ControlTopics.ALL_PRESENCE);
          return;
        }
      }
      log.debug("Control link {} subscribed to devices' events and presence", clientId);
    }

    @Override
    public void onFailure(IMqttToken token, Throwable cause) {
      log.error(
          "Control link {} could not subscribe at {}: {}",
          clientId,
          serverUri,
          cause == null ? "no reason given" : cause.getMessage());
    }
  }

  /** Frees the in-flight slot of one published message and logs a failed delivery. */
  private final class PublishOutcome implements IMqttActionListener {

    private final String uuid;

    PublishOutcome(String uuid) {
      this.uuid = uuid;
    }

    @Override
    public void onSuccess(IMqttToken token) {
      inflight.release();
    }

    @Override
    public void onFailure(IMqttToken token, Throwable cause) {
      inflight.release();
      log.warn(
          "The broker did not take a message for device {}: {}",
          uuid,
          cause == null ? "no reason given" : cause.getMessage());
    }
  }

  /** Returns the UUIDs of the devices that said they are online; a copy. */
  Set<String> onlineDevices() {
    return Set.copyOf(presence.online());
  }

  /** The online devices, from their retained presence messages. */
  private static final class PresenceTable {

    private final Set<String> online = ConcurrentHashMap.newKeySet();
    private final WarningLimiter warnings;

    PresenceTable(WarningLimiter warnings) {
      this.warnings = warnings;
    }

    boolean isOnline(String uuid) {
      return online.contains(uuid);
    }

    Set<String> online() {
      return online;
    }

    void clear() {
      online.clear();
    }

    /** Applies one presence message; an empty payload is a cleared retained message. */
    void update(String uuid, byte[] payload) {
      if (payload.length == 0) {
        online.remove(uuid);
        return;
      }
      Optional<Boolean> state = PresenceMessage.parseOnline(payload);
      if (state.isEmpty()) {
        warnings.warn(
            log,
            "Dropped a malformed presence message of device {}: expected {\"online\": true|false}",
            uuid);
        return;
      }
      if (state.get()) {
        online.add(uuid);
      } else {
        online.remove(uuid);
      }
    }
  }
}
