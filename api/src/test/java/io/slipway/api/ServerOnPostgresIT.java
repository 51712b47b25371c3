package io.slipway.api;

import io.slipway.api.server.TestServers;
import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@PostgresConfigured
class ServerOnPostgresIT extends ServerEndpointsContract {

  @TempDir static Path dataRoot;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestDatabase database =
        TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
    TestServers.databaseProperties(database)
        .forEach((key, value) -> registry.add(key, () -> value));
    registry.add("slipway.data-dir", () -> dataRoot.toString());
  }
}
