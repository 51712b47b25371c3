package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class HiveMqConfigFileTest {

  private static final HiveMqConfigFile.TlsListener TLS =
      new HiveMqConfigFile.TlsListener(0, "0.0.0.0", Path.of("/data/keys/b.p12"), "p<&>w");
  private static final HiveMqConfigFile.WebsocketListener WEBSOCKET =
      new HiveMqConfigFile.WebsocketListener(0, "127.0.0.1", "/mqtt");

  @Test
  void usageStatisticsAreOff() throws Exception {
    Document config = parse(HiveMqConfigFile.render(TLS, WEBSOCKET));

    assertThat(text(config, "/hivemq/anonymous-usage-statistics/enabled")).isEqualTo("false");
  }

  @Test
  void updateCheckIsOff() throws Exception {
    String xml = HiveMqConfigFile.render(TLS, WEBSOCKET).toLowerCase(Locale.ROOT);

    // HiveMQ CE has no update check to switch off: no setting in the file, no code in the jar.
    assertThat(xml).doesNotContain("update");
    assertThat(hiveMqClassesNamed("updatecheck")).isZero();
  }

  @Test
  void persistenceIsInMemory() throws Exception {
    Document config = parse(HiveMqConfigFile.render(TLS, WEBSOCKET));

    assertThat(text(config, "/hivemq/persistence/mode")).isEqualTo("in-memory");
  }

  @Test
  void clientQueueIsBoundedAboveDefault() throws Exception {
    Document config = parse(HiveMqConfigFile.render(TLS, WEBSOCKET));

    assertThat(text(config, "/hivemq/mqtt/queued-messages/max-queue-size"))
        .isEqualTo(Integer.toString(HiveMqConfigFile.MAX_QUEUED_MESSAGES));
  }

  @Test
  void keystorePasswordIsEscaped() throws Exception {
    Document config = parse(HiveMqConfigFile.render(TLS, null));

    assertThat(text(config, "//tls-tcp-listener/tls/keystore/password")).isEqualTo("p<&>w");
  }

  @Test
  void websocketListenerIsOptional() throws Exception {
    Document config = parse(HiveMqConfigFile.render(TLS, null));

    assertThat(text(config, "count(//websocket-listener)")).isEqualTo("0");
  }

  @Test
  void websocketListenerHasItsPath() throws Exception {
    Document config = parse(HiveMqConfigFile.render(null, WEBSOCKET));

    assertThat(text(config, "//websocket-listener/path")).isEqualTo("/mqtt");
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(Document document, String expression) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(expression, document);
  }

  private static long hiveMqClassesNamed(String fragment) throws Exception {
    Path jar =
        Path.of(EmbeddedHiveMQ.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream()
          .filter(entry -> entry.getName().toLowerCase(Locale.ROOT).contains(fragment))
          .count();
    }
  }
}
