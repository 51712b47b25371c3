package io.slipway.api.server;

import io.slipway.api.SlipwayServer;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts whole servers on a free loopback port for tests that need several starts. */
public final class TestServers {

  private TestServers() {}

  /** Starts a server on {@code database} and {@code dataDirectory}, with extra arguments. */
  public static ConfigurableApplicationContext start(
      TestDatabase database, Path dataDirectory, String... extraArguments) {
    List<String> arguments = new ArrayList<>();
    arguments.add("--server.port=0");
    arguments.add("--slipway.data-dir=" + dataDirectory);
    // Tests never bind fixed ports: the control broker and the SSH gateway take free ones too.
    arguments.add("--slipway.control.embedded.tls-port=0");
    arguments.add("--slipway.control.ssh.port=0");
    databaseProperties(database).forEach((key, value) -> arguments.add("--" + key + "=" + value));
    arguments.addAll(List.of(extraArguments));
    return SlipwayServer.start(arguments.toArray(String[]::new));
  }

  /**
   * Returns the Spring properties that point a server at {@code database}. Spring Boot logs in to
   * an in-memory H2 database as {@code sa}, but {@link TestDatabase#h2()} created it with the empty
   * user name, so the pool's user name is set back to empty.
   */
  public static Map<String, String> databaseProperties(TestDatabase database) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.datasource.url", database.jdbcUrl());
    if (database.jdbcUrl().startsWith("jdbc:h2:mem:")) {
      properties.put("spring.datasource.hikari.username", "");
    }
    return properties;
  }

  public static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
