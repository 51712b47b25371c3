package io.slipway.testing.registry;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CNCF Distribution registry (Debian's {@code docker-registry} 2.8) started from a test: HTTP on
 * a free port of 127.0.0.1, filesystem storage in the given directory, no authentication, no
 * notifications, no Redis cache and no upload purging. Version 2.8 has no OCI 1.1 referrers API,
 * which makes it the reference for the referrers tag fallback.
 */
public final class DistributionRegistry implements AutoCloseable {

  /** The server executable, at the path where Debian's package installs it. */
  public static final String EXECUTABLE = "/usr/bin/docker-registry";

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final Process process;
  private final Path log;
  private final int port;

  private DistributionRegistry(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts a registry whose configuration, storage and log live under {@code directory}, and waits
   * until it listens.
   *
   * @throws IllegalStateException when it exits or does not listen within 30 seconds; the message
   *     contains the end of its log
   * @throws org.opentest4j.TestAbortedException outside CI when {@code docker-registry} is missing
   */
  public static DistributionRegistry start(Path directory)
      throws IOException, InterruptedException {
    RequiredTool.require(EXECUTABLE, "docker-registry");
    Path config = directory.resolve("config.yml");
    Path log = directory.resolve("registry.log");
    Files.writeString(config, configuration(directory.resolve("storage")));
    Process process =
        new ProcessBuilder(EXECUTABLE, "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Instant deadline = Instant.now().plus(STARTUP);
    while (Instant.now().isBefore(deadline)) {
      Matcher listening = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (listening.find()) {
        return new DistributionRegistry(process, log, Integer.parseInt(listening.group(1)));
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "docker-registry did not start listening within "
            + STARTUP.toSeconds()
            + " s; its log "
            + log
            + " ends with: "
            + tail(log));
  }

  /** Returns the configuration: no auth, so every client may push and pull. */
  private static String configuration(Path storage) {
    return """
        version: 0.1
        log:
          level: info
          formatter: text
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:0
        """
        .formatted(storage);
  }

  /** Returns {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** Returns the file the registry logs to. */
  public Path log() {
    return log;
  }

  /** Stops the registry: SIGTERM, then SIGKILL after 10 seconds. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.substring(Math.max(0, text.length() - 2000));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
