package io.slipway.api.control.broker;

import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.slipway.api.control.ControlProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the broker contract with devices connecting over {@code wss://} through Debian's nginx,
 * configured like the {@code /mqtt} location in the reverse-proxy section of {@code
 * docs/control-channel.md}: nginx terminates TLS and forwards the WebSocket upgrade to the embedded
 * broker's plain WebSocket listener, whose TLS listener is off. Skipped where nginx is not
 * installed.
 */
class EmbeddedBrokerBehindNginxIT extends ControlBrokerContract {

  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  private final Map<String, String> keys = new ConcurrentHashMap<>();
  private Path directory;
  private EmbeddedBroker broker;
  private Process nginx;
  private String nginxCertificatePem;

  @BeforeAll
  void startBrokerBehindNginx() throws Exception {
    assumeThat(Files.isExecutable(NGINX)).as("nginx is installed at " + NGINX).isTrue();
    directory = Files.createTempDirectory("broker-behind-nginx");
    // NOTE: nginx cannot report a port that it picked, so the test takes a free port and releases
    // it just before nginx binds it. Another process could take the port in between.
    int nginxPort = freePort();

    ControlProperties.Embedded embedded =
        new ControlProperties.Embedded("127.0.0.1", -1, "127.0.0.1", 0, "/mqtt", null, null);
    URI deviceUrl = URI.create("wss://127.0.0.1:" + nginxPort + "/mqtt");
    broker =
        new EmbeddedBroker(
            new EmbeddedBrokerSettings(embedded, deviceUrl, null, directory.resolve("data")),
            (uuid, key) -> key.equals(keys.get(uuid)));
    broker.start();

    writeNginxCertificate();
    Path config = writeNginxConfig(nginxPort, broker.websocketPort());
    nginx =
        new ProcessBuilder(
                NGINX.toString(),
                "-p",
                directory.toString(),
                "-e",
                directory.resolve("error.log").toString(),
                "-c",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("nginx.out").toFile())
            .start();
    await().atMost(Duration.ofSeconds(20)).until(() -> accepts(nginxPort));
  }

  @AfterAll
  void stopNginxAndBroker() {
    if (nginx != null) {
      nginx.destroy();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Override
  protected ControlBroker broker() {
    return broker;
  }

  @Override
  protected void allowInAdmission(String uuid, String key) {
    keys.put(uuid, key);
  }

  @Override
  protected SocketFactory deviceSocketFactory(DeviceEndpoint endpoint) {
    return trusting(nginxCertificatePem);
  }

  /** Writes nginx's certificate and key as PEM files, made with the broker's own generator. */
  private void writeNginxCertificate() throws Exception {
    Path store = directory.resolve("nginx.p12");
    BrokerKeystore keystore = BrokerKeystore.loadOrGenerate(store, List.of("127.0.0.1"));
    nginxCertificatePem = keystore.certificatePem();

    KeyStore pkcs12 = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      pkcs12.load(in, keystore.password().toCharArray());
    }
    String alias = Collections.list(pkcs12.aliases()).get(0);
    Key key = pkcs12.getKey(alias, keystore.password().toCharArray());
    String keyPem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(directory.resolve("nginx.crt"), nginxCertificatePem);
    Files.writeString(directory.resolve("nginx.key"), keyPem);
  }

  private Path writeNginxConfig(int nginxPort, int websocketPort) throws IOException {
    String config =
        """
        daemon off;
        master_process off;
        pid DIR/nginx.pid;
        error_log DIR/error.log warn;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path DIR/client_body;
          proxy_temp_path DIR/proxy;
          fastcgi_temp_path DIR/fastcgi;
          uwsgi_temp_path DIR/uwsgi;
          scgi_temp_path DIR/scgi;

          map $http_upgrade $connection_upgrade {
            default upgrade;
            ''      close;
          }

          server {
            listen 127.0.0.1:NGINX_PORT ssl;
            ssl_certificate     DIR/nginx.crt;
            ssl_certificate_key DIR/nginx.key;

            location = /mqtt {
              proxy_pass http://127.0.0.1:WEBSOCKET_PORT;
              proxy_http_version 1.1;
              proxy_set_header Upgrade $http_upgrade;
              proxy_set_header Connection $connection_upgrade;
              proxy_read_timeout 1h;
              proxy_send_timeout 1h;
            }
          }
        }
        """
            .replace("DIR", directory.toString())
            .replace("NGINX_PORT", Integer.toString(nginxPort))
            .replace("WEBSOCKET_PORT", Integer.toString(websocketPort));
    Path file = directory.resolve("nginx.conf");
    Files.writeString(file, config);
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
