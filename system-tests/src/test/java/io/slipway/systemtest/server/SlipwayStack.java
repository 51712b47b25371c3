package io.slipway.systemtest.server;

import io.slipway.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Slipway server process on one {@link Backend}, together with what that backend needs: a fresh
 * PostgreSQL schema, an S3 server in this JVM, or neither. Each stack starts from an empty data
 * directory, database and bucket.
 *
 * <p>Not thread-safe: one test class drives one stack at a time.
 */
public final class SlipwayStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SlipwayStack.class);

  private final Backend backend;
  private final Path directory;
  private final S3Server s3Server;
  private SlipwayProcess server;

  private SlipwayStack(Backend backend, Path directory, S3Server s3Server, SlipwayProcess server) {
    this.backend = backend;
    this.directory = directory;
    this.s3Server = s3Server;
    this.server = server;
  }

  /**
   * Starts a server on {@code backend}, with its files under {@code target/system-tests/SUITE/
   * BACKEND}.
   *
   * @param suite short name of the test class, for the directory and log file names
   */
  public static SlipwayStack start(String suite, Backend backend) throws Exception {
    return start(suite, backend, Map.of());
  }

  /**
   * Starts a server as {@link #start(String, Backend)} does, with {@code extraProperties} added to
   * its properties, such as the builder's engine settings.
   */
  public static SlipwayStack start(
      String suite, Backend backend, Map<String, String> extraProperties) throws Exception {
    Path directory = WorkDirectory.fresh(suite, backend.toString());
    Map<String, String> properties = new LinkedHashMap<>(extraProperties);

    if (backend.database() == Backend.Database.POSTGRESQL) {
      String baseUrl =
          Backends.postgresUrl()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "Backend " + backend + " needs " + TestDatabase.POSTGRES_URL_VARIABLE));
      properties.put("spring.datasource.url", TestDatabase.postgres(baseUrl).jdbcUrl());
    }

    S3Server s3Server = null;
    if (backend.storage() == Backend.Storage.S3) {
      s3Server = S3Server.start(directory.resolve("s3"));
      properties.putAll(s3Server.slipwayProperties(bucketName(suite)));
    }

    try {
      ServerOptions options =
          ServerOptions.of(directory.resolve("data"), properties, directory.resolve("server.log"));
      SlipwayProcess server = SlipwayProcess.start(options);
      log.info("Suite {} runs against {} on {}", suite, backend, server.registryHost());
      return new SlipwayStack(backend, directory, s3Server, server);
    } catch (RuntimeException | Error e) {
      if (s3Server != null) {
        s3Server.close();
      }
      throw e;
    }
  }

  private static String bucketName(String suite) {
    String name = suite.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public Backend backend() {
    return backend;
  }

  /**
   * Returns a directory for the tests' own files, {@code first/more...} below this stack's
   * directory in {@code target/system-tests}, creating it when missing.
   */
  public Path directory(String first, String... more) {
    Path path = directory.resolve(Path.of(first, more));
    try {
      return Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the test directory " + path, e);
    }
  }

  /** Returns the running server, which {@link #restartAfterKill()} replaces. */
  public SlipwayProcess server() {
    return server;
  }

  /**
   * Kills the server with SIGKILL, as a crash would, and starts a new one on the same data
   * directory, database and bucket. The new server listens on another port.
   */
  public SlipwayProcess restartAfterKill() {
    server.kill();
    server = SlipwayProcess.start(server.options());
    return server;
  }

  @Override
  public void close() throws Exception {
    try {
      server.close();
    } finally {
      if (s3Server != null) {
        s3Server.close();
      }
    }
  }

  @Override
  public String toString() {
    return "SlipwayStack[" + backend + ", " + server + "]";
  }
}
