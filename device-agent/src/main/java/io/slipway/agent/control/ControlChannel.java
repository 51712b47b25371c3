package io.slipway.agent.control;

import io.slipway.agent.client.ControlChannelSettings;
import io.slipway.agent.client.PollSchedule;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's side of the control channel: one outbound MQTT connection to the broker, opened only
 * while the server's setting enables the channel. The device connects with client id and user name
 * = its UUID and its device key as password, subscribes to {@code slipway/devices/UUID/commands}
 * with QoS 1, acknowledges each command on {@code .../events}, and publishes its retained presence
 * on {@code .../presence}: {@code {"online":true,...}} after each connect, and {@code
 * {"online":false}} as its last will and before a clean disconnect.
 *
 * <p>The URL comes from the server's setting unless config.json's {@code controlEndpoint} overrides
 * it ({@link BrokerAddress} maps it for Paho). Over TLS the channel trusts only the setting's CA
 * certificate when it has one, else the JVM's default CAs, and checks the broker's host name.
 *
 * <p>A lost or failed connection is retried after a random wait whose cap doubles from 1 second to
 * 2 minutes ({@link PollSchedule}'s full jitter). A disabled setting, a {@code disable-channel}
 * command or a CONNECT that the broker rejects as not authorized closes the connection, and nothing
 * is opened again until a later {@link #apply} with an enabled setting. While disabled, the channel
 * opens no connection at all.
 *
 * <p>Thread-safe: connection changes run on one thread of the channel's own, commands on a second
 * one, one at a time. The device key is never logged.
 */
public final class ControlChannel implements AutoCloseable {

  /** How long after an acknowledgement was sent a reboot, shutdown or disable starts. */
  static final Duration AFTER_ACK_DELAY = Duration.ofSeconds(1);

  /** How long to wait for the broker to confirm a subscription, publication or disconnect. */
  static final Duration BROKER_TIMEOUT = Duration.ofSeconds(10);

  /** The keep-alive interval when the setting names none, in seconds. */
  static final int DEFAULT_KEEP_ALIVE_SECONDS = 60;

  /** How many received commands may wait for the command thread; more are dropped. */
  static final int MAX_QUEUED_COMMANDS = 100;

  private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);

  private final String device;
  private final String deviceKey;
  private final URI endpointOverride;
  private final String agentVersion;
  private final CommandDispatcher dispatcher;
  private final List<AutoCloseable> resources;
  private final ScheduledExecutorService connections;
  private final ThreadPoolExecutor commands;
  private final PollSchedule backoff;

  // Touched only on the connections thread.
  private MqttAsyncClient client;
  private Target target;
  private int generation;
  private String lastProblem;

  private volatile boolean connected;
  private volatile boolean closed;

  private ControlChannel(Builder builder) {
    this.device = builder.device;
    this.deviceKey = builder.deviceKey;
    this.endpointOverride = builder.endpointOverride;
    this.agentVersion = builder.agentVersion;
    this.resources = List.copyOf(builder.resources);
    this.backoff = builder.backoff;
    Map<CommandType, CommandHandler> handlers = new EnumMap<>(CommandType.class);
    handlers.putAll(builder.handlers);
    handlers.put(CommandType.DISABLE_CHANNEL, this::disableOnCommand);
    this.dispatcher = new CommandDispatcher(device, handlers, builder.clock);
    this.connections =
        Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "slipway-control"));
    this.commands =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_COMMANDS),
            task -> daemon(task, "slipway-commands"));
  }

  /** Returns a builder; the device's UUID and key and the agent's version are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the topic the device receives commands on. */
  public static String commandsTopic(String device) {
    return "slipway/devices/" + device + "/commands";
  }

  /** Returns the topic the device sends acknowledgements on. */
  public static String eventsTopic(String device) {
    return "slipway/devices/" + device + "/events";
  }

  /** Returns the retained topic of the device's presence. */
  public static String presenceTopic(String device) {
    return "slipway/devices/" + device + "/presence";
  }

  /**
   * Opens, keeps, changes or closes the connection as {@code settings} requires. Returns at once;
   * the change happens on the channel's thread. A URL that is missing or invalid is logged at WARN
   * and leaves the channel closed.
   */
  public void apply(ControlChannelSettings settings) {
    Objects.requireNonNull(settings, "settings");
    execute(() -> applyNow(settings));
  }

  /** Returns whether the channel is connected to the broker now. */
  public boolean isConnected() {
    return connected;
  }

  /**
   * Closes the connection, with an offline presence first, ends open terminal sessions and stops
   * the channel's threads. Idempotent; waits up to about {@link #BROKER_TIMEOUT} for the broker.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    commands.shutdownNow();
    try {
      connections
          .submit(() -> closeClient("the agent stops"))
          .get(BROKER_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Closing the control channel of device {} failed: {}", device, e.toString());
    }
    connections.shutdownNow();
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Cannot close {} of device {}: {}", resource, device, e.toString());
      }
    }
  }

  private void applyNow(ControlChannelSettings settings) {
    if (closed) {
      return;
    }
    if (!settings.enabled()) {
      if (client != null) {
        closeClient("the server switched the channel off");
      }
      return;
    }

    Target wanted;
    try {
      wanted = target(settings);
    } catch (IllegalArgumentException e) {
      warnOnce(e.getMessage() + "; the channel stays closed");
      closeClient("its URL is invalid");
      return;
    }
    if (client != null && wanted.equals(target)) {
      return;
    }
    if (client != null) {
      closeClient("its setting changed");
    }
    open(wanted);
  }

  private Target target(ControlChannelSettings settings) {
    URI url = endpointOverride != null ? endpointOverride : settings.url();
    if (url == null) {
      throw new IllegalArgumentException(
          "The control channel is enabled but neither the server nor config.json's"
              + " controlEndpoint names its URL");
    }
    String pahoUri = BrokerAddress.toPaho(url);
    SSLSocketFactory sockets = null;
    if (BrokerAddress.usesTls(pahoUri)) {
      sockets =
          settings.caCertificate() == null
              ? (SSLSocketFactory) SSLSocketFactory.getDefault()
              : CaTrust.socketFactory(settings.caCertificate());
    }
    int keepAlive =
        settings.keepAliveSeconds() == 0 ? DEFAULT_KEEP_ALIVE_SECONDS : settings.keepAliveSeconds();
    return new Target(pahoUri, settings.caCertificate(), keepAlive, sockets);
  }

  private void open(Target wanted) {
    int current = ++generation;
    try {
      client = new MqttAsyncClient(wanted.pahoUri(), device, new MemoryPersistence());
    } catch (MqttException | IllegalArgumentException e) {
      warnOnce("The control channel cannot use " + wanted.pahoUri() + ": " + e.getMessage());
      return;
    }
    target = wanted;
    client.setCallback(new Events(current));
    log.info("Control channel of device {} connects to {}", device, wanted.pahoUri());
    connect(current);
  }

  private void connect(int attempt) {
    if (attempt != generation || client == null || closed) {
      return;
    }
    try {
      client.connect(options(target), null, new Connecting(attempt));
    } catch (MqttException e) {
      retry(attempt, e);
    }
  }

  private MqttConnectOptions options(Target wanted) {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setUserName(device);
    options.setPassword(deviceKey.toCharArray());
    options.setCleanSession(true);
    options.setAutomaticReconnect(false);
    options.setConnectionTimeout((int) BROKER_TIMEOUT.toSeconds());
    options.setKeepAliveInterval(wanted.keepAliveSeconds());
    options.setWill(presenceTopic(device), ControlJson.offline(), 1, true);
    if (wanted.sockets() != null) {
      options.setSocketFactory(wanted.sockets());
      options.setHttpsHostnameVerificationEnabled(true);
    }
    return options;
  }

  private void connected(int attempt) {
    if (attempt != generation || client == null) {
      return;
    }
    try {
      client.subscribe(commandsTopic(device), 1).waitForCompletion(BROKER_TIMEOUT.toMillis());
      client
          .publish(presenceTopic(device), ControlJson.online(agentVersion), 1, true)
          .waitForCompletion(BROKER_TIMEOUT.toMillis());
    } catch (MqttException e) {
      log.warn(
          "Control channel of device {} cannot subscribe or publish its presence: {}",
          device,
          e.toString());
      disconnectQuietly();
      retry(attempt, e);
      return;
    }
    backoff.reset();
    lastProblem = null;
    connected = true;
    log.info("Control channel of device {} is connected to {}", device, target.pahoUri());
  }

  private void retry(int attempt, Throwable cause) {
    connected = false;
    if (attempt != generation || client == null || closed) {
      return;
    }
    if (cause instanceof MqttSecurityException) {
      // The broker rejected the device's key: the channel is off for it, or the key was revoked.
      // Retrying cannot help before the server's setting changes, so only the next poll reopens.
      closeClient(
          "the broker rejected its credentials ("
              + cause.getMessage()
              + "); it tries again after the next poll");
      return;
    }
    Duration wait = backoff.afterFailure();
    log.warn(
        "Control channel of device {} is not connected to {} ({}); retrying in {}",
        device,
        target.pahoUri(),
        cause == null ? "no cause" : cause.toString(),
        wait);
    connections.schedule(() -> connect(attempt), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes the client, if any, with an offline presence before a clean disconnect. */
  private void closeClient(String reason) {
    generation++;
    connected = false;
    if (client == null) {
      return;
    }
    log.info("Control channel of device {} closes because {}", device, reason);
    if (client.isConnected()) {
      try {
        client
            .publish(presenceTopic(device), ControlJson.offline(), 1, true)
            .waitForCompletion(BROKER_TIMEOUT.toMillis());
      } catch (MqttException e) {
        log.debug("Device {} could not publish its offline presence: {}", device, e.toString());
      }
    }
    disconnectQuietly();
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("Closing the MQTT client of device {} failed: {}", device, e.toString());
    }
    client = null;
    target = null;
  }

  private void disconnectQuietly() {
    try {
      if (client.isConnected()) {
        client.disconnect(1_000).waitForCompletion(BROKER_TIMEOUT.toMillis());
      }
    } catch (MqttException e) {
      try {
        client.disconnectForcibly(0, 1_000);
      } catch (MqttException forced) {
        log.debug("Device {} could not disconnect: {}", device, forced.toString());
      }
    }
  }

  private CommandHandler.Reply disableOnCommand(Command command) {
    return new CommandHandler.Reply(
        "channel disabled",
        () -> closeClient("the server sent disable-channel; it opens again when a poll says so"));
  }

  /** Runs on the command thread: dispatches one command and sends its acknowledgement. */
  private void handle(byte[] payload) {
    dispatcher
        .dispatch(payload)
        .ifPresent(
            dispatched -> {
              acknowledge(dispatched.ack());
              if (dispatched.afterAck() != null) {
                schedule(dispatched.afterAck(), AFTER_ACK_DELAY);
              }
            });
  }

  private void acknowledge(Ack ack) {
    MqttAsyncClient current = client;
    if (current == null || !current.isConnected()) {
      log.warn(
          "Device {} cannot acknowledge command {}: the channel is not connected",
          device,
          ack.commandId());
      return;
    }
    try {
      current
          .publish(eventsTopic(device), ControlJson.ack(ack), 1, false)
          .waitForCompletion(BROKER_TIMEOUT.toMillis());
    } catch (MqttException e) {
      log.warn(
          "Device {} cannot acknowledge command {}: {}", device, ack.commandId(), e.toString());
    }
  }

  private void execute(Runnable task) {
    try {
      connections.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("Control channel of device {} is closed; a change was dropped", device);
    }
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      connections.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("Control channel of device {} is closed; an action was dropped", device);
    }
  }

  private void warnOnce(String problem) {
    if (!problem.equals(lastProblem)) {
      log.warn("Device {}: {}", device, problem);
      lastProblem = problem;
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /** The broker URI and TLS settings of a connection; equal targets need no new connection. */
  private record Target(
      String pahoUri, String caCertificate, int keepAliveSeconds, SSLSocketFactory sockets) {

    @Override
    public boolean equals(Object other) {
      return other instanceof Target that
          && pahoUri.equals(that.pahoUri)
          && Objects.equals(caCertificate, that.caCertificate)
          && keepAliveSeconds == that.keepAliveSeconds;
    }

    @Override
    public int hashCode() {
      return Objects.hash(pahoUri, caCertificate, keepAliveSeconds);
    }
  }

  /** Moves the outcome of one connect attempt onto the connections thread. */
  private final class Connecting implements IMqttActionListener {

    private final int attempt;

    Connecting(int attempt) {
      this.attempt = attempt;
    }

    @Override
    public void onSuccess(IMqttToken token) {
      execute(() -> connected(attempt));
    }

    @Override
    public void onFailure(IMqttToken token, Throwable cause) {
      execute(() -> retry(attempt, cause));
    }
  }

  /** Receives Paho's events of one client. */
  private final class Events implements MqttCallback {

    private final int attempt;

    Events(int attempt) {
      this.attempt = attempt;
    }

    @Override
    public void connectionLost(Throwable cause) {
      connected = false;
      execute(() -> retry(attempt, cause));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      byte[] payload = message.getPayload();
      try {
        commands.execute(() -> handle(payload));
      } catch (RejectedExecutionException e) {
        log.warn(
            "Device {} dropped a command: {} commands wait already or the channel is closed",
            device,
            MAX_QUEUED_COMMANDS);
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Acknowledgements wait for their own tokens.
    }
  }

  /** Settings of a {@link ControlChannel}. Not thread-safe. */
  public static final class Builder {

    private String device;
    private String deviceKey;
    private URI endpointOverride;
    private String agentVersion;
    private final Map<CommandType, CommandHandler> handlers = new EnumMap<>(CommandType.class);
    private final java.util.ArrayList<AutoCloseable> resources = new java.util.ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private PollSchedule backoff =
        new PollSchedule(
            Duration.ofMinutes(2),
            Duration.ofSeconds(1),
            Duration.ofMinutes(2),
            new SplittableRandom());

    private Builder() {}

    /** Sets the device's UUID: the client id, the user name and part of each topic. */
    public Builder device(String uuid) {
      this.device = uuid;
      return this;
    }

    /** Sets the device key, the broker password. */
    public Builder deviceKey(String key) {
      this.deviceKey = key;
      return this;
    }

    /**
     * Sets config.json's {@code controlEndpoint}, which overrides the server's URL; null keeps it.
     */
    public Builder endpointOverride(URI url) {
      this.endpointOverride = url;
      return this;
    }

    /** Sets the version the presence message reports. */
    public Builder agentVersion(String version) {
      this.agentVersion = version;
      return this;
    }

    /** Sets the handler of {@code type}; {@code disable-channel} is the channel's own. */
    public Builder handler(CommandType type, CommandHandler handler) {
      handlers.put(type, handler);
      return this;
    }

    /** Adds something that {@link ControlChannel#close()} closes, such as terminal sessions. */
    public Builder closing(AutoCloseable resource) {
      resources.add(resource);
      return this;
    }

    /** Sets the clock that command deadlines are compared with. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Sets the waits between connect attempts; tests shorten them. */
    public Builder backoff(PollSchedule backoff) {
      this.backoff = backoff;
      return this;
    }

    /**
     * @throws NullPointerException naming the first required setting that is missing
     */
    public ControlChannel build() {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(deviceKey, "deviceKey");
      Objects.requireNonNull(agentVersion, "agentVersion");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(backoff, "backoff");
      return new ControlChannel(this);
    }
  }
}
