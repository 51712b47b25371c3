package io.slipway.api.control.link;

import static io.slipway.api.control.TestMqttDevice.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.control.TestMqttDevice;
import io.slipway.api.control.broker.BrokerLink;
import io.slipway.api.control.broker.ControlBrokerException;
import io.slipway.testing.mqtt.MosquittoProcess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The server's link against a real, open Mosquitto, with plain Paho clients as devices. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PahoControlLinkIT {

  @TempDir static Path brokerDirectory;

  private MosquittoProcess broker;
  private PahoControlLink link;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<TestMqttDevice> devices = new CopyOnWriteArrayList<>();

  @BeforeAll
  void startBrokerAndLink() {
    broker = MosquittoProcess.startOpen(brokerDirectory);
    link = newLink(broker.url());
    link.onEvent(
        (uuid, payload) -> events.add(uuid + " " + new String(payload, StandardCharsets.UTF_8)));
    link.start();
  }

  @AfterEach
  void disconnectDevices() throws Exception {
    for (TestMqttDevice device : devices) {
      device.close();
    }
    devices.clear();
  }

  @AfterAll
  void stop() {
    if (link != null) {
      link.stop();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static PahoControlLink newLink(URI url) {
    return new PahoControlLink(
        () -> new BrokerLink(url, "slipway-server", "unused", null),
        "slipway-server-test-" + ThreadLocalRandom.current().nextInt(1_000_000),
        Clock.systemUTC());
  }

  private TestMqttDevice device() throws Exception {
    byte[] uuid = new byte[16];
    ThreadLocalRandom.current().nextBytes(uuid);
    TestMqttDevice device =
        TestMqttDevice.connect(broker.url(), HexFormat.of().formatHex(uuid), "unused");
    devices.add(device);
    return device;
  }

  @Test
  void presenceMakesDeviceOnline() throws Exception {
    TestMqttDevice device = device();

    awaitCondition("the device is online", () -> link.isOnline(device.uuid()));
  }

  @Test
  void lastWillMakesDeviceOffline() throws Exception {
    TestMqttDevice device = device();
    awaitCondition("the device is online", () -> link.isOnline(device.uuid()));

    device.vanish();

    awaitCondition("the device is offline", () -> !link.isOnline(device.uuid()));
  }

  @Test
  void retainedPresenceReachesLateLink() throws Exception {
    TestMqttDevice device = device();
    PahoControlLink late = newLink(broker.url());
    try {
      late.start();

      awaitCondition("the late link sees the device", () -> late.isOnline(device.uuid()));
    } finally {
      late.stop();
    }
  }

  @Test
  void publishedCommandReachesDevice() throws Exception {
    TestMqttDevice device = device();

    link.publish(device.uuid(), "{\"id\":\"cmd_1\",\"type\":\"identify\"}".getBytes());

    JsonNode command = device.nextCommand();
    assertThat(command.path("id").asString()).isEqualTo("cmd_1");
  }

  @Test
  void eventNamesDeviceFromTopic() throws Exception {
    TestMqttDevice device = device();
    TestMqttDevice other = device();

    device.publishEvent(other.uuid(), "{\"type\":\"ack\",\"from\":\"" + device.uuid() + "\"}");

    awaitCondition("the event arrives", () -> !eventsOf(other.uuid()).isEmpty());
    assertThat(eventsOf(device.uuid())).isEmpty();
  }

  @Test
  void malformedPresenceKeepsState() throws Exception {
    TestMqttDevice device = device();
    awaitCondition("the device is online", () -> link.isOnline(device.uuid()));

    device.publishPresence("online: no");
    device.publishEvent("{\"type\":\"marker\"}");

    awaitCondition("the marker arrives", () -> !eventsOf(device.uuid()).isEmpty());
    assertThat(link.isOnline(device.uuid())).isTrue();
  }

  @Test
  void publishFailsWithoutBroker() {
    PahoControlLink unreachable = newLink(URI.create("tcp://127.0.0.1:1"));
    try {
      unreachable.start();

      assertThatThrownBy(() -> unreachable.publish("abc", new byte[] {'{', '}'}))
          .isInstanceOf(ControlBrokerException.class)
          .hasMessageContaining("device abc");
    } finally {
      unreachable.stop();
    }
  }

  @Test
  void unusableUrlLeavesLinkOff() {
    PahoControlLink unusable = newLink(URI.create("mqtts://127.0.0.1:8883"));

    unusable.start();

    assertThat(unusable.isConnected()).isFalse();
    unusable.stop();
  }

  @Test
  void linkWithoutBrokerStaysOff() {
    PahoControlLink none =
        new PahoControlLink(() -> null, "slipway-server-none", Clock.systemUTC());

    none.start();

    assertThat(none.isConnected()).isFalse();
    none.stop();
  }

  private List<String> eventsOf(String uuid) {
    return events.stream().filter(event -> event.startsWith(uuid + " ")).toList();
  }
}
