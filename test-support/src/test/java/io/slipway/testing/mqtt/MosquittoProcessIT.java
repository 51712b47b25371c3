package io.slipway.testing.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.testing.mqtt.MosquittoProcess.Security;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosquittoProcessIT {

  @TempDir Path directory;

  @Test
  void openBrokerCarriesAnonymousMessages() throws Exception {
    try (MosquittoProcess broker = MosquittoProcess.startOpen(directory)) {
      assertThat(roundTrip(broker.url(), options(null, null, null))).isEqualTo("hello");
    }
  }

  @Test
  void secureBrokerRejectsAnonymousClients() {
    try (MosquittoProcess broker =
        MosquittoProcess.start(directory, Security.DYNAMIC_SECURITY, false)) {
      assertThatThrownBy(() -> connect(broker.url(), options(null, null, null)))
          .isInstanceOf(MqttSecurityException.class);
    }
  }

  @Test
  void adminSendsDynamicSecurityRequests() throws Exception {
    try (MosquittoProcess broker =
        MosquittoProcess.start(directory, Security.DYNAMIC_SECURITY, false)) {
      MqttConnectOptions admin = options(broker.adminUsername(), broker.adminPassword(), null);
      MqttClient client = connect(broker.url(), admin);
      BlockingQueue<String> responses = new ArrayBlockingQueue<>(1);
      client.subscribe(
          "$CONTROL/dynamic-security/v1/response",
          1,
          (topic, message) ->
              responses.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
      client.publish(
          "$CONTROL/dynamic-security/v1",
          "{\"commands\":[{\"command\":\"listClients\"}]}".getBytes(StandardCharsets.UTF_8),
          1,
          false);

      assertThat(responses.poll(10, TimeUnit.SECONDS)).contains(MosquittoProcess.ADMIN_USERNAME);
      client.disconnect();
      client.close();
    }
  }

  @Test
  void tlsListenerChainsToGeneratedCa() throws Exception {
    try (MosquittoProcess broker = MosquittoProcess.start(directory, Security.OPEN, true)) {
      SSLContext trust = broker.sslContext();
      assertThat(roundTrip(broker.tlsUrl(), options(null, null, trust))).isEqualTo("hello");
    }
  }

  @Test
  void plainBrokerHasNoTlsUrl() {
    try (MosquittoProcess broker = MosquittoProcess.startOpen(directory)) {
      assertThatThrownBy(broker::tlsUrl).hasMessageContaining("tls=true");
    }
  }

  @Test
  void failingToolErrorShowsOutput() throws Exception {
    // A directory where openssl must write the server key makes openssl fail.
    Files.createDirectories(directory.resolve("tls").resolve("server.key"));

    assertThatThrownBy(() -> MosquittoProcess.start(directory, Security.OPEN, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("openssl ecparam")
        .hasMessageContaining("server.key");
  }

  @Test
  void existingDynamicSecurityStateIsRejected() throws Exception {
    Files.writeString(directory.resolve("dynamic-security.json"), "{}");

    assertThatThrownBy(() -> MosquittoProcess.start(directory, Security.DYNAMIC_SECURITY, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dynamic-security.json");
  }

  private static String roundTrip(URI url, MqttConnectOptions options) throws Exception {
    MqttClient client = connect(url, options);
    BlockingQueue<String> received = new ArrayBlockingQueue<>(1);
    client.subscribe(
        "test/echo",
        1,
        (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
    client.publish("test/echo", "hello".getBytes(StandardCharsets.UTF_8), 1, false);
    String message = received.poll(10, TimeUnit.SECONDS);
    client.disconnect();
    client.close();
    return message;
  }

  private static MqttClient connect(URI url, MqttConnectOptions options) throws MqttException {
    MqttClient client = new MqttClient(url.toString(), "fixture-test", new MemoryPersistence());
    try {
      client.connect(options);
      return client;
    } catch (MqttException e) {
      client.close();
      throw e;
    }
  }

  private static MqttConnectOptions options(String username, String password, SSLContext tls) {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setConnectionTimeout(10);
    if (username != null) {
      options.setUserName(username);
      options.setPassword(password.toCharArray());
    }
    if (tls != null) {
      options.setSocketFactory(tls.getSocketFactory());
    }
    return options;
  }
}
