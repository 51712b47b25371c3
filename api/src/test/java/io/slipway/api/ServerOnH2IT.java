package io.slipway.api;

import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class ServerOnH2IT extends ServerEndpointsContract {

  @TempDir static Path dataRoot;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestDatabase database = TestDatabase.h2();
    TestServers.databaseProperties(database)
        .forEach((key, value) -> registry.add(key, () -> value));
    registry.add("slipway.data-dir", () -> dataRoot.toString());
  }
}
