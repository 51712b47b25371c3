package io.slipway.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.agent.DeviceAgent;
import io.slipway.agent.client.ControlChannelSettings;
import io.slipway.agent.client.PollSchedule;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.engine.NoContainers;
import io.slipway.testing.mqtt.MosquittoProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's control channel against a real Mosquitto, with a Paho client as the server. */
class ControlChannelIT {

  private static final String DEVICE = "0123456789abcdef0123456789abcdef";
  private static final String KEY = "sld_test-device-key";

  @TempDir Path directory;

  private final AtomicInteger targetChanges = new AtomicInteger();
  private final AtomicInteger identifies = new AtomicInteger();

  /** Closed last-in first-out after each test. */
  private final Deque<AutoCloseable> closing = new ArrayDeque<>();

  @AfterEach
  void closeAll() throws Exception {
    while (!closing.isEmpty()) {
      closing.pop().close();
    }
  }

  @Test
  void channelConnectsOverTlsAndAcks() throws Exception {
    MosquittoProcess broker = broker("tls", true);
    ServerSide server = server(broker);
    ControlChannel channel = wiredChannel();

    channel.apply(
        new ControlChannelSettings(
            true,
            null,
            URI.create("mqtts://127.0.0.1:" + broker.tlsPort()),
            Files.readString(broker.caCertificate()),
            30));

    ServerSide.Received online = server.await(presence(), "\"online\":true");
    assertThat(online).as("online presence").isNotNull();
    assertThat(online.payload()).contains("\"agentVersion\":\"9.9.9\"");
    // A client that subscribes later gets the presence because it was retained.
    ServerSide later = server(broker, "slipway-server-2");
    assertThat(later.await(message -> message.retained() && message.topic().equals(presence())))
        .as("retained presence")
        .isNotNull();

    server.send(DEVICE, "{\"id\":\"cmd_identify\",\"type\":\"identify\"}");
    ServerSide.Received ack = server.await(events(), "cmd_identify");
    assertThat(ack).as("ack of identify").isNotNull();
    assertThat(ack.payload())
        .isEqualTo(
            "{\"type\":\"ack\",\"commandId\":\"cmd_identify\",\"ok\":true,"
                + "\"result\":\"ran the identify command\",\"error\":null}");
    assertThat(identifies).hasValue(1);
  }

  @Test
  void commandsAnswerOverPlainLoopback() throws Exception {
    MosquittoProcess broker = broker("plain", false);
    ServerSide server = server(broker);
    ControlChannel channel = wiredChannel();
    channel.apply(enabled(URI.create("mqtt://127.0.0.1:" + broker.port())));
    assertThat(server.await(presence(), "\"online\":true")).isNotNull();

    server.send(DEVICE, "{\"id\":\"cmd_update\",\"type\":\"update\"}");
    server.send(DEVICE, "{\"id\":\"cmd_web\",\"type\":\"restart-service\",\"service\":\"web\"}");
    server.send(
        DEVICE, "{\"id\":\"cmd_old\",\"type\":\"identify\",\"deadline\":\"2020-01-01T00:00:00Z\"}");

    assertThat(server.await(events(), "cmd_update").payload()).contains("\"ok\":true");
    assertThat(targetChanges).hasValue(1);
    assertThat(server.await(events(), "cmd_web").payload())
        .contains("\"ok\":false")
        .contains("Service 'web' is unknown");
    assertThat(server.await(events(), "cmd_old").payload()).contains("\"error\":\"expired\"");
    assertThat(identifies).hasValue(0);
  }

  @Test
  void channelReconnectsAfterBrokerRestarts() throws Exception {
    MosquittoProcess first = broker("first", false);
    BrokerRelay relay = relay(first.port());
    ServerSide firstServer = server(first);
    ControlChannel channel = fastChannel();
    channel.apply(enabled(URI.create("mqtt://127.0.0.1:" + relay.port())));
    assertThat(firstServer.await(presence(), "\"online\":true")).isNotNull();

    firstServer.close();
    first.close();
    relay.cutAll();
    MosquittoProcess second = broker("second", false);
    relay.target(second.port());
    ServerSide secondServer = server(second);

    assertThat(secondServer.await(presence(), "\"online\":true"))
        .as("online presence on the restarted broker")
        .isNotNull();
    secondServer.send(DEVICE, "{\"id\":\"cmd_after\",\"type\":\"identify\"}");
    assertThat(secondServer.await(events(), "cmd_after")).isNotNull();
  }

  @Test
  void disabledChannelOpensNoConnection() throws Exception {
    MosquittoProcess broker = broker("disabled", false);
    BrokerRelay relay = relay(broker.port());
    ControlChannel channel = fastChannel();
    URI url = URI.create("mqtt://127.0.0.1:" + relay.port());

    channel.apply(ControlChannelSettings.DISABLED);
    channel.apply(new ControlChannelSettings(false, null, url, null, 60));
    channel.apply(new ControlChannelSettings(false, null, url, null, 60));
    // Close runs after the queued settings on the channel's thread, so all three were applied.
    channel.close();

    assertThat(relay.connections()).isZero();
  }

  @Test
  void disableChannelCommandClosesUntilEnabled() throws Exception {
    MosquittoProcess broker = broker("disable", false);
    BrokerRelay relay = relay(broker.port());
    ServerSide server = server(broker);
    ControlChannel channel = fastChannel();
    ControlChannelSettings settings = enabled(URI.create("mqtt://127.0.0.1:" + relay.port()));
    channel.apply(settings);
    assertThat(server.await(presence(), "\"online\":true")).isNotNull();
    server.clear();

    server.send(DEVICE, "{\"id\":\"cmd_off\",\"type\":\"disable-channel\"}");

    assertThat(server.await(events(), "cmd_off").payload()).contains("\"ok\":true");
    assertThat(server.await(presence(), "\"online\":false")).as("offline presence").isNotNull();
    assertThat(awaitDisconnected(channel)).as("disconnected").isTrue();
    assertThat(relay.connections()).isEqualTo(1);

    server.clear();
    channel.apply(settings);
    assertThat(server.await(presence(), "\"online\":true")).as("online again").isNotNull();
    assertThat(relay.connections()).isEqualTo(2);
  }

  @Test
  void rejectedKeyWaitsForNextPoll() throws Exception {
    Path brokerDirectory = Files.createDirectories(directory.resolve("rejecting"));
    // The plugin knows only its admin, so it rejects the device's CONNECT as not authorized.
    MosquittoProcess broker =
        MosquittoProcess.start(brokerDirectory, MosquittoProcess.Security.DYNAMIC_SECURITY, false);
    closing.push(broker);
    BrokerRelay relay = relay(broker.port());
    ControlChannel channel = fastChannel();
    ControlChannelSettings settings = enabled(URI.create("mqtt://127.0.0.1:" + relay.port()));

    channel.apply(settings);
    // The fast channel retries within 200 ms, so a channel that kept retrying would reach three
    // connections well within this bound.
    awaitConnections(relay, 3, Duration.ofSeconds(3));
    int afterFirstApply = relay.connections();
    channel.apply(settings);
    awaitConnections(relay, afterFirstApply + 1, Duration.ofSeconds(30));

    assertThat(afterFirstApply).as("connections after one apply").isEqualTo(1);
    assertThat(relay.connections()).as("connections after the next apply").isEqualTo(2);
  }

  /** Waits until {@code relay} has seen {@code count} connections or {@code max} passed. */
  private static void awaitConnections(BrokerRelay relay, int count, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (relay.connections() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private MosquittoProcess broker(String name, boolean tls) throws Exception {
    Path brokerDirectory = Files.createDirectories(directory.resolve(name));
    MosquittoProcess broker =
        MosquittoProcess.start(brokerDirectory, MosquittoProcess.Security.OPEN, tls);
    closing.push(broker);
    return broker;
  }

  private ServerSide server(MosquittoProcess broker) throws Exception {
    return server(broker, "slipway-server");
  }

  private ServerSide server(MosquittoProcess broker, String clientId) throws Exception {
    ServerSide server = ServerSide.connect(broker.url(), clientId);
    closing.push(server);
    return server;
  }

  private BrokerRelay relay(int port) throws Exception {
    BrokerRelay relay = BrokerRelay.start(port);
    closing.push(relay);
    return relay;
  }

  /** A channel with every handler, as the agent wires it, on a runner without containers. */
  private ControlChannel wiredChannel() {
    AgentConfig config =
        new AgentConfig(
            1,
            "acme/sensors",
            "generic-amd64",
            null,
            DEVICE,
            KEY,
            URI.create("http://127.0.0.1:9"),
            URI.create("http://127.0.0.1:9"),
            URI.create("http://127.0.0.1:9"),
            null,
            Duration.ofMinutes(1),
            List.of());
    ControlChannel channel =
        new ControlWiring(new CountingActions(), List.of(), "9.9.9")
            .create(config, new NoContainers(), new CountingAgent());
    closing.push(channel);
    return channel;
  }

  /** Returns a channel that retries within 200 ms, so that a restart test does not wait long. */
  private ControlChannel fastChannel() {
    ControlChannel channel =
        ControlChannel.builder()
            .device(DEVICE)
            .deviceKey(KEY)
            .agentVersion("9.9.9")
            .handler(
                CommandType.IDENTIFY,
                command -> {
                  identifies.incrementAndGet();
                  return CommandHandler.Reply.of("identified");
                })
            .backoff(
                new PollSchedule(
                    Duration.ofSeconds(1),
                    Duration.ofMillis(100),
                    Duration.ofMillis(200),
                    new SplittableRandom(7)))
            .build();
    closing.push(channel);
    return channel;
  }

  private static ControlChannelSettings enabled(URI url) {
    return new ControlChannelSettings(true, null, url, null, 30);
  }

  private static String presence() {
    return ControlChannel.presenceTopic(DEVICE);
  }

  private static String events() {
    return ControlChannel.eventsTopic(DEVICE);
  }

  private static boolean awaitDisconnected(ControlChannel channel) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (channel.isConnected() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return !channel.isConnected();
  }

  private final class CountingActions implements SystemActions {

    @Override
    public void reboot() {
      throw new UnsupportedOperationException("a test never reboots its machine");
    }

    @Override
    public void shutdown() {
      throw new UnsupportedOperationException("a test never shuts its machine down");
    }

    @Override
    public boolean identify() {
      identifies.incrementAndGet();
      return true;
    }
  }

  private final class CountingAgent implements DeviceAgent {

    @Override
    public void run() {
      throw new UnsupportedOperationException("run");
    }

    @Override
    public void targetChanged() {
      targetChanges.incrementAndGet();
    }

    @Override
    public void close() {
      // Nothing runs.
    }
  }
}
