package io.slipway.testing.mqtt;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A real Mosquitto 2.0 broker (Debian's {@code mosquitto}) started from a test, on free ports of
 * 127.0.0.1, with its configuration, state, certificates and log in a directory the test owns.
 *
 * <p>Two kinds of broker: {@link Security#OPEN} lets any client connect and use any topic, for
 * tests that only need a broker; {@link Security#DYNAMIC_SECURITY} loads the dynamic-security
 * plugin, denies anonymous clients and creates an admin user (see {@link #adminUsername()}) that
 * may only send {@code $CONTROL/dynamic-security/v1} requests until someone grants it more. Either
 * kind listens on a plain port ({@link #url()}) and, when asked, on a TLS port ({@link #tlsUrl()})
 * whose certificate, for {@code 127.0.0.1} and {@code localhost}, chains to a CA generated for this
 * broker ({@link #caCertificate()}).
 *
 * <p>A missing {@code mosquitto}, {@code mosquitto_ctrl} or {@code openssl} is handled as {@link
 * RequiredTool} does: it fails the test under CI. Thread-safe: all state is fixed at start.
 */
public final class MosquittoProcess implements AutoCloseable {

  /** The broker executable, at the path where Debian's package installs it. */
  public static final String EXECUTABLE = "/usr/sbin/mosquitto";

  /** The admin user name that {@link Security#DYNAMIC_SECURITY} creates. */
  public static final String ADMIN_USERNAME = "slipway-admin";

  private static final String CONTROL_TOOL = "/usr/bin/mosquitto_ctrl";
  private static final String PLUGIN_FILE = "mosquitto_dynamic_security.so";
  private static final String RUNNING = " running";
  private static final String PORT_TAKEN = "Address already in use";
  private static final Duration STARTUP = Duration.ofSeconds(20);
  private static final int PORT_ATTEMPTS = 5;

  /** The access control of a broker. */
  public enum Security {
    /** Anonymous clients allowed, no access control at all. */
    OPEN,
    /** The dynamic-security plugin decides, and only the generated admin user exists at start. */
    DYNAMIC_SECURITY
  }

  private final Process process;
  private final Path log;
  private final int port;
  private final int tlsPort;
  private final Path caCertificate;
  private final String adminPassword;

  private MosquittoProcess(
      Process process, Path log, int port, int tlsPort, Path caCertificate, String adminPassword) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.tlsPort = tlsPort;
    this.caCertificate = caCertificate;
    this.adminPassword = adminPassword;
  }

  /**
   * Starts an open broker with a plain listener only; see {@link #start(Path, Security, boolean)}.
   */
  public static MosquittoProcess startOpen(Path directory) {
    return start(directory, Security.OPEN, false);
  }

  /**
   * Starts a broker whose files live under {@code directory}, and waits until it runs.
   *
   * @param directory an existing, empty directory that the test owns and deletes afterwards
   * @param security whether anyone may connect, or the dynamic-security plugin decides
   * @param tls whether to open a TLS listener next to the plain one
   * @throws IllegalStateException when Mosquitto exits or does not run within 20 seconds; the
   *     message contains the end of its log
   * @throws org.opentest4j.TestAbortedException outside CI when a tool is missing
   */
  public static MosquittoProcess start(Path directory, Security security, boolean tls) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(security, "security");
    RequiredTool.require(EXECUTABLE, "mosquitto");
    try {
      Path caCertificate = tls ? TestCertificates.create(directory.resolve("tls")) : null;
      String adminPassword =
          security == Security.DYNAMIC_SECURITY ? initDynamicSecurity(directory) : null;
      return launch(directory, security, caCertificate, adminPassword);
    } catch (IOException e) {
      throw new UncheckedIOException("Preparing Mosquitto's files in " + directory + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting Mosquitto in " + directory, e);
    }
  }

  /** Returns {@code tcp://127.0.0.1:PORT}, the plain listener, in Paho's form. */
  public URI url() {
    return URI.create("tcp://127.0.0.1:" + port);
  }

  /**
   * Returns {@code ssl://127.0.0.1:PORT}, the TLS listener, in Paho's form.
   *
   * @throws IllegalStateException when the broker was started without TLS
   */
  public URI tlsUrl() {
    return URI.create("ssl://127.0.0.1:" + tlsPort());
  }

  /** Returns the port of the plain listener. */
  public int port() {
    return port;
  }

  /**
   * Returns the port of the TLS listener.
   *
   * @throws IllegalStateException when the broker was started without TLS
   */
  public int tlsPort() {
    if (caCertificate == null) {
      throw new IllegalStateException("This Mosquitto has no TLS listener; start it with tls=true");
    }
    return tlsPort;
  }

  /**
   * Returns the PEM file of the CA that signed the TLS listener's certificate.
   *
   * @throws IllegalStateException when the broker was started without TLS
   */
  public Path caCertificate() {
    tlsPort();
    return caCertificate;
  }

  /**
   * Returns a TLS context that trusts only the CA of {@link #caCertificate()}, for a client of
   * {@link #tlsUrl()}.
   *
   * @throws IllegalStateException when the broker was started without TLS
   */
  public SSLContext sslContext() {
    return TestCertificates.trusting(caCertificate());
  }

  /**
   * Returns the dynamic-security admin's user name, {@value #ADMIN_USERNAME}.
   *
   * @throws IllegalStateException when the broker is open
   */
  public String adminUsername() {
    adminPassword();
    return ADMIN_USERNAME;
  }

  /**
   * Returns the dynamic-security admin's password, random for each broker.
   *
   * @throws IllegalStateException when the broker is open
   */
  public String adminPassword() {
    if (adminPassword == null) {
      throw new IllegalStateException(
          "This Mosquitto is open and has no admin; start it with Security.DYNAMIC_SECURITY");
    }
    return adminPassword;
  }

  /** Returns the file Mosquitto logs to, every message type included. */
  public Path log() {
    return log;
  }

  /** Returns the end of the log, for a failure message. */
  public String logTail() {
    return tail(log);
  }

  /** Returns whether the broker process still runs. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the broker: SIGTERM, then SIGKILL after 10 seconds. Idempotent. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Same as {@link #close()}. */
  public void stop() {
    close();
  }

  /** Writes the plugin's state file with one admin user, as {@code mosquitto_ctrl} does. */
  private static String initDynamicSecurity(Path directory)
      throws IOException, InterruptedException {
    Path tool = RequiredTool.require(CONTROL_TOOL, "mosquitto-clients");
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Path state = directory.resolve("dynamic-security.json");
    // mosquitto_ctrl leaves an existing file alone and still exits with 0.
    if (Files.exists(state)) {
      throw new IllegalStateException(
          state + " exists already; start each Mosquitto in its own empty directory");
    }
    Commands.run(tool.toString(), "dynsec", "init", state.toString(), ADMIN_USERNAME, password);
    return password;
  }

  private static MosquittoProcess launch(
      Path directory, Security security, Path caCertificate, String adminPassword)
      throws IOException, InterruptedException {
    String lastLog = "";
    for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      int port = freePort();
      int tlsPort = caCertificate == null ? -1 : freePort();
      Path log = directory.resolve("mosquitto-" + attempt + ".log");
      Path output = directory.resolve("mosquitto-" + attempt + ".out");
      Path config = directory.resolve("mosquitto.conf");
      Files.writeString(
          config, configuration(directory, security, log, port, tlsPort, caCertificate));

      // Mosquitto buffers its standard output, so readiness is read from its log file, which it
      // writes line by line. The output file keeps the errors it prints before reading the config.
      Process process =
          new ProcessBuilder(EXECUTABLE, "-c", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (awaitRunning(process, log)) {
        return new MosquittoProcess(process, log, port, tlsPort, caCertificate, adminPassword);
      }
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      lastLog = tail(output) + tail(log);
      if (!lastLog.contains(PORT_TAKEN)) {
        break;
      }
    }
    throw new IllegalStateException(
        "Mosquitto did not start within "
            + STARTUP.toSeconds()
            + " s; its output and log end with: "
            + lastLog);
  }

  /** Polls the log until Mosquitto logs that it runs, it exits, or the startup time is up. */
  private static boolean awaitRunning(Process process, Path log)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(STARTUP);
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(RUNNING)) {
        return process.isAlive();
      }
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private static String configuration(
      Path directory, Security security, Path log, int port, int tlsPort, Path caCertificate) {
    StringBuilder config = new StringBuilder();
    config.append("per_listener_settings false\n");
    config.append("persistence false\n");
    config.append("log_dest file ").append(log).append('\n');
    config.append("log_type all\n");
    config.append("log_timestamp_format %Y-%m-%dT%H:%M:%S\n");
    // As root, Mosquitto switches to the 'mosquitto' user by default. Staying the current user
    // lets the plugin rewrite its state file in the test's directory.
    config.append("user ").append(System.getProperty("user.name")).append('\n');
    if (security == Security.OPEN) {
      config.append("allow_anonymous true\n");
    } else {
      config.append("allow_anonymous false\n");
      config.append("plugin ").append(dynamicSecurityPlugin()).append('\n');
      config
          .append("plugin_opt_config_file ")
          .append(directory.resolve("dynamic-security.json"))
          .append('\n');
    }
    config.append("listener ").append(port).append(" 127.0.0.1\n");
    if (caCertificate != null) {
      Path tls = caCertificate.getParent();
      config.append("listener ").append(tlsPort).append(" 127.0.0.1\n");
      config.append("cafile ").append(caCertificate).append('\n');
      config
          .append("certfile ")
          .append(tls.resolve(TestCertificates.SERVER_CERTIFICATE))
          .append('\n');
      config.append("keyfile ").append(tls.resolve(TestCertificates.SERVER_KEY)).append('\n');
    }
    return config.toString();
  }

  /** Finds the plugin in Debian's multiarch library directory, whatever the architecture. */
  private static Path dynamicSecurityPlugin() {
    try (var entries = Files.list(Path.of("/usr/lib"))) {
      return entries
          .map(dir -> dir.resolve(PLUGIN_FILE))
          .filter(Files::isRegularFile)
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      PLUGIN_FILE
                          + " is not under /usr/lib/*/; install the Debian package mosquitto"));
    } catch (IOException e) {
      throw new UncheckedIOException("Listing /usr/lib failed", e);
    }
  }

  /**
   * Returns a port that nothing listens on right now. Mosquitto cannot bind port 0 and report it,
   * so another process may take the port first; {@link #launch} then tries again.
   */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    if (!Files.exists(log)) {
      return "";
    }
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.substring(Math.max(0, text.length() - 3000));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
