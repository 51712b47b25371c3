package io.slipway.systemtest.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Slipway server running as its own JVM from the cli jar, as an administrator would start it:
 * {@code java -Xmx256m -jar slipway-cli.jar server --data-dir DIR --port 0}. The server's output
 * goes to the log file its {@link ServerOptions} name, so a failed test can be diagnosed after the
 * fact.
 *
 * <p>Not thread-safe: one test drives one process.
 */
public final class SlipwayProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SlipwayProcess.class);

  /**
   * How long a server may take from launch until its registry responds, in seconds. A server with
   * the control channel's broker and SSH gateway took 65 seconds to start on a two-core machine
   * busy with other builds, so the bound leaves room for that.
   */
  static final long START_TIMEOUT_SECONDS = 180;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(START_TIMEOUT_SECONDS);

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final int LOG_TAIL_LINES = 80;

  /** Servers still running, ended when the test JVM exits early so that none outlives it. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "slipway-server-reaper"));
  }

  private final ServerOptions options;
  private final Process process;
  private final int port;
  private final String bootstrapToken;

  private SlipwayProcess(ServerOptions options, Process process, int port, String bootstrapToken) {
    this.options = options;
    this.process = process;
    this.port = port;
    this.bootstrapToken = bootstrapToken;
  }

  /**
   * Launches a server and waits until its registry responds on the port it wrote to {@code
   * DATA_DIR/server.port}.
   *
   * @throws AssertionError with the server's output when it exits or does not respond within
   *     {@value #START_TIMEOUT_SECONDS} seconds
   */
  public static SlipwayProcess start(ServerOptions options) {
    try {
      Files.createDirectories(options.logFile().getParent());
      Files.createDirectories(options.dataDirectory().getParent());
      // A server that was killed leaves its port file behind; it must not be mistaken for ours.
      Files.deleteIfExists(options.dataDirectory().resolve("server.port"));
      Process process = launch(options);
      RUNNING.add(process);
      log.info("Started Slipway server pid {} with {}", process.pid(), options);
      return awaitReady(options, process);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the Slipway server with " + options, e);
    }
  }

  private static Process launch(ServerOptions options) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + options.maxHeap());
    command.add("-Djava.io.tmpdir=" + temporaryDirectory(options));
    command.add("-jar");
    command.add(options.cliJar().toString());
    command.add("server");
    command.add("--data-dir");
    command.add(options.dataDirectory().toString());
    command.add("--port");
    command.add("0");
    // The control broker and the SSH gateway take free ports too; tests never bind fixed ones.
    for (String property :
        List.of("slipway.control.embedded.tls-port=0", "slipway.control.ssh.port=0")) {
      command.add("--property");
      command.add(property);
    }
    options
        .properties()
        .forEach(
            (key, value) -> {
              command.add("--property");
              command.add(key + "=" + value);
            });

    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(options.logFile().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .start();
  }

  /** Keeps the server's temporary files beside its data directory, inside the build's target. */
  private static Path temporaryDirectory(ServerOptions options) throws IOException {
    Path directory =
        options.dataDirectory().resolveSibling(options.dataDirectory().getFileName() + "-tmp");
    return Files.createDirectories(directory);
  }

  private static SlipwayProcess awaitReady(ServerOptions options, Process process)
      throws IOException {
    Path portFile = options.dataDirectory().resolve("server.port");
    Path tokenFile = options.dataDirectory().resolve("bootstrap-token");
    Instant deadline = Instant.now().plus(START_TIMEOUT);

    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "The Slipway server exited with code "
                + process.exitValue()
                + " before it responded; its output:\n"
                + tail(options.logFile()));
      }
      Optional<Integer> port = readPort(portFile);
      Optional<String> token = readToken(tokenFile);
      if (port.isPresent() && token.isPresent() && registryAnswers(port.get())) {
        log.info("Slipway server pid {} responds on 127.0.0.1:{}", process.pid(), port.get());
        return new SlipwayProcess(options, process, port.get(), token.get());
      }
      sleep(POLL_INTERVAL);
    }

    stop(process);
    throw new AssertionError(
        "The Slipway server did not respond within "
            + START_TIMEOUT
            + " (port file "
            + portFile
            + ", token file "
            + tokenFile
            + "); its output:\n"
            + tail(options.logFile()));
  }

  private static Optional<Integer> readPort(Path portFile) throws IOException {
    if (!Files.exists(portFile)) {
      return Optional.empty();
    }
    String text = Files.readString(portFile, StandardCharsets.US_ASCII).strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(text));
  }

  private static Optional<String> readToken(Path tokenFile) throws IOException {
    if (!Files.exists(tokenFile)) {
      return Optional.empty();
    }
    String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** Returns true once {@code /v2/} responds, with 401 when no credentials are sent. */
  private static boolean registryAnswers(int port) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status == 401 || status == 200;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      log.debug("Registry on port {} not ready yet", port, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for the Slipway server", e);
    }
  }

  /** Returns the port the server listens on at 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Returns the registry host as image references name it: {@code 127.0.0.1:PORT}. */
  public String registryHost() {
    return "127.0.0.1:" + port;
  }

  /** Returns the server's base URL, such as {@code http://127.0.0.1:41234}. */
  public URI baseUrl() {
    return URI.create("http://" + registryHost());
  }

  /** Returns the admin token from the first start, which is user {@code admin}'s password. */
  public String bootstrapToken() {
    return bootstrapToken;
  }

  public ServerOptions options() {
    return options;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Returns the last lines the server printed, for failure messages. */
  public String logTail() {
    return tail(options.logFile());
  }

  /**
   * Ends the server with SIGKILL, as a crash or an OOM killer would: no shutdown hook runs. The
   * data directory stays as the server left it.
   */
  public void kill() {
    log.info("Killing Slipway server pid {}", process.pid());
    process.destroyForcibly();
    awaitExit(process, STOP_TIMEOUT);
    RUNNING.remove(process);
  }

  /** Asks the server to stop (SIGTERM) and kills it when it has not stopped in 30 seconds. */
  @Override
  public void close() {
    if (process.isAlive()) {
      log.info("Stopping Slipway server pid {}", process.pid());
      stop(process);
    }
  }

  private static void stop(Process process) {
    process.destroy();
    if (!awaitExit(process, STOP_TIMEOUT)) {
      log.warn(
          "Slipway server pid {} ignored SIGTERM for {}; killing it", process.pid(), STOP_TIMEOUT);
      process.destroyForcibly();
      awaitExit(process, STOP_TIMEOUT);
    }
    RUNNING.remove(process);
  }

  private static boolean awaitExit(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return String.join("\n", last) + "\n(full output: " + logFile + ")";
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for the Slipway server", e);
    }
  }

  @Override
  public String toString() {
    return "SlipwayProcess[pid=" + process.pid() + ", port=" + port + "]";
  }
}
