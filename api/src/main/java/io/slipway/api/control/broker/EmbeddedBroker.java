package io.slipway.api.control.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.client.parameter.Listener;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.admin.AdminService;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import io.slipway.api.config.PrivateFiles;
import io.slipway.api.control.ControlProperties;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control channel's broker inside the server: HiveMQ Community Edition, embedded, with an
 * extension that authenticates devices by their device key and confines each to its own topics
 * ({@link BrokerAuthenticator}). Its configuration, data and extension folders live under {@code
 * DATA/control-broker/}; the bound ports are written to {@code DATA/control-broker.port} and {@code
 * DATA/control-broker-ws.port} and removed at {@link #close()}.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} are meant to be called once each, from one
 * thread; the other methods are valid between them.
 */
public final class EmbeddedBroker implements ControlBroker {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long STOP_TIMEOUT_SECONDS = 30;
  private static final long CLIENT_SERVICE_TIMEOUT_SECONDS = 5;

  private final EmbeddedBrokerSettings settings;
  private final DeviceAdmission admission;
  private final AdmittedDevices admitted = new AdmittedDevices();
  private final String serverSecret = randomSecret();

  private volatile EmbeddedHiveMQ hiveMq;
  private volatile ClientService clientService;
  private volatile AdminService adminService;
  private volatile BrokerKeystore keystore;
  private volatile int tlsPort = -1;
  private volatile int websocketPort = -1;

  /**
   * @param settings the validated settings
   * @param admission the control plane's decision for devices the broker does not remember
   */
  public EmbeddedBroker(EmbeddedBrokerSettings settings, DeviceAdmission admission) {
    this.settings = settings;
    this.admission = admission;
  }

  @Override
  public void start() {
    ControlProperties.Embedded embedded = settings.embedded();
    Path root = settings.dataDirectory().resolve("control-broker");
    try {
      createFolders(root);
      keystore = embedded.tlsPort() < 0 ? null : loadKeystore();
      HiveMqConfigFile.write(root.resolve("conf"), tlsListener(), websocketListener());
    } catch (IOException e) {
      throw new ControlBrokerException(
          "Cannot prepare the control broker's folder " + root + ": " + e.getMessage(), e);
    }

    long startedAt = System.nanoTime();
    hiveMq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(root.resolve("conf"))
            .withDataFolder(root.resolve("data"))
            .withExtensionsFolder(root.resolve("extensions"))
            .withEmbeddedExtension(extension())
            .withoutLoggingBootstrap()
            .build();
    await(hiveMq.start(), START_TIMEOUT_SECONDS, "start");
    learnPorts();
    writePortFiles();
    log.info(
        "Control broker (embedded HiveMQ) listening on TLS port {} and WebSocket port {}"
            + " after {} ms",
        portOrOff(tlsPort),
        portOrOff(websocketPort),
        elapsedMillis(startedAt));
  }

  /** Returns {@code port} as text, or "off" for the negative port of a listener that is off. */
  private static String portOrOff(int port) {
    return port < 0 ? "off" : Integer.toString(port);
  }

  @Override
  public BrokerLink serverLink() {
    requireStarted();
    ControlProperties.Embedded embedded = settings.embedded();
    if (tlsPort > 0) {
      URI url =
          URI.create("ssl://" + hostForUrl(loopbackOr(embedded.bindAddress())) + ":" + tlsPort);
      return new BrokerLink(
          url, BrokerAuthenticator.SERVER_USER, serverSecret, keystore.trustingContext());
    }
    URI url =
        URI.create(
            "ws://"
                + hostForUrl(loopbackOr(embedded.websocketBindAddress()))
                + ":"
                + websocketPort
                + embedded.websocketPath());
    return new BrokerLink(url, BrokerAuthenticator.SERVER_USER, serverSecret, null);
  }

  @Override
  public DeviceEndpoint deviceEndpoint() {
    if (settings.deviceUrl() != null) {
      return new DeviceEndpoint(settings.deviceUrl(), null);
    }
    requireStarted();
    URI url = URI.create("mqtts://" + hostForUrl(deviceHost()) + ":" + tlsPort);
    return new DeviceEndpoint(url, keystore.certificatePem());
  }

  @Override
  public void admit(String uuid, String deviceKey) {
    admitted.admit(uuid, deviceKey);
  }

  @Override
  public void revoke(String uuid) {
    admitted.revoke(uuid);
    ClientService clients = clientService;
    if (clients == null) {
      return;
    }
    boolean wasConnected = await(clients.disconnectClient(uuid), "disconnect device " + uuid);
    log.info("Revoked device {} on the control broker (was connected: {})", uuid, wasConnected);
  }

  @Override
  public void readmit(String uuid) {
    admitted.readmit(uuid);
  }

  @Override
  public boolean isConnected(String uuid) {
    ClientService clients = clientService;
    return clients != null && await(clients.isClientConnected(uuid), "look up device " + uuid);
  }

  @Override
  public void close() {
    EmbeddedHiveMQ running = hiveMq;
    if (running == null) {
      return;
    }
    hiveMq = null;
    clientService = null;
    deletePortFiles();
    long stoppingAt = System.nanoTime();
    try {
      running.stop().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("Control broker stopped in {} ms", elapsedMillis(stoppingAt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Interrupted while stopping the control broker");
    } catch (ExecutionException | TimeoutException e) {
      log.warn("The control broker did not stop cleanly within {} s", STOP_TIMEOUT_SECONDS, e);
    }
  }

  /** Returns the TLS listener's bound port, or -1 when it is off or the broker is not running. */
  public int tlsPort() {
    return tlsPort;
  }

  /**
   * Returns the WebSocket listener's bound port, or -1 when it is off or the broker is not running.
   */
  public int websocketPort() {
    return websocketPort;
  }

  private ExtensionMain extensionMain() {
    return new ExtensionMain() {
      @Override
      public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        // HiveMQ's Services are static per class loader. Keeping this start's own services means
        // that a second embedded broker in the same JVM, as in tests, cannot swap them.
        clientService = Services.clientService();
        adminService = Services.adminService();
        BrokerAuthenticator authenticator =
            new BrokerAuthenticator(
                serverSecret, admitted, admission, Services.extensionExecutorService());
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
      }

      @Override
      public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        // Nothing to release: HiveMQ drops the authenticator with the extension.
      }
    };
  }

  private EmbeddedExtension extension() {
    return EmbeddedExtension.builder()
        .withId("slipway-control")
        .withName("Slipway control channel")
        .withVersion("1")
        .withPriority(1000)
        .withStartPriority(1000)
        .withAuthor("Slipway")
        .withExtensionMain(extensionMain())
        .build();
  }

  private BrokerKeystore loadKeystore() {
    ControlProperties.Embedded embedded = settings.embedded();
    if (embedded.keystore() != null) {
      return BrokerKeystore.load(Path.of(embedded.keystore()), embedded.keystorePassword());
    }
    Set<String> hosts = new LinkedHashSet<>();
    hosts.add("localhost");
    hosts.add("127.0.0.1");
    if (!isWildcard(embedded.bindAddress())) {
      hosts.add(embedded.bindAddress());
    }
    if (settings.publicHost() != null) {
      hosts.add(settings.publicHost());
    }
    return BrokerKeystore.loadOrGenerate(
        settings.dataDirectory().resolve("keys").resolve("control-broker.p12"), hosts);
  }

  private HiveMqConfigFile.TlsListener tlsListener() {
    ControlProperties.Embedded embedded = settings.embedded();
    if (keystore == null) {
      return null;
    }
    return new HiveMqConfigFile.TlsListener(
        embedded.tlsPort(), embedded.bindAddress(), keystore.file(), keystore.password());
  }

  private HiveMqConfigFile.WebsocketListener websocketListener() {
    ControlProperties.Embedded embedded = settings.embedded();
    if (embedded.websocketPort() < 0) {
      return null;
    }
    return new HiveMqConfigFile.WebsocketListener(
        embedded.websocketPort(), embedded.websocketBindAddress(), embedded.websocketPath());
  }

  /**
   * Reads the bound ports back from HiveMQ: its listeners take the port they bound once they
   * listen, which the extension API reports, so port 0 needs no guessing.
   */
  private void learnPorts() {
    for (Listener listener : adminService.getServerInformation().getListener()) {
      if (HiveMqConfigFile.TLS_LISTENER.equals(listener.getName())) {
        tlsPort = listener.getPort();
      } else if (HiveMqConfigFile.WEBSOCKET_LISTENER.equals(listener.getName())) {
        websocketPort = listener.getPort();
      }
    }
  }

  private void writePortFiles() {
    writePortFile(portFile(false), tlsPort);
    writePortFile(portFile(true), websocketPort);
  }

  private void writePortFile(Path file, int port) {
    if (port <= 0) {
      return;
    }
    try {
      PrivateFiles.writePublic(file, (port + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      log.warn("Cannot write the control broker's port to {}; scripts will not find it", file, e);
    }
  }

  private void deletePortFiles() {
    for (Path file : new Path[] {portFile(false), portFile(true)}) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.warn("Cannot remove the control broker's port file {}", file, e);
      }
    }
  }

  private Path portFile(boolean websocket) {
    String name = websocket ? "control-broker-ws.port" : "control-broker.port";
    return settings.dataDirectory().resolve(name);
  }

  private String deviceHost() {
    if (settings.publicHost() != null) {
      return settings.publicHost();
    }
    return loopbackOr(settings.embedded().bindAddress());
  }

  private void requireStarted() {
    if (hiveMq == null) {
      throw new IllegalStateException("The control broker is not running; call start() first");
    }
  }

  private static void createFolders(Path root) throws IOException {
    for (String folder : new String[] {"conf", "data", "extensions"}) {
      PrivateFiles.createPrivateDirectories(root.resolve(folder));
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) {
    return await(future, CLIENT_SERVICE_TIMEOUT_SECONDS, what);
  }

  private static <T> T await(Future<T> future, long seconds, String what) {
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlBrokerException("Interrupted while the control broker tried to " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new ControlBrokerException(
          "The control broker failed to " + what + ": " + cause, cause);
    }
  }

  private static long elapsedMillis(long since) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
  }

  private static boolean isWildcard(String address) {
    return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
  }

  private static String loopbackOr(String address) {
    return isWildcard(address) ? "127.0.0.1" : address;
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
