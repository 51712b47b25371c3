package io.slipway.registry;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

@PostgresConfigured
class RegistryProtocolOnPostgresTest extends RegistryProtocolContract {

  @BeforeAll
  static void startRegistry() throws Exception {
    fixture =
        RegistryFixture.start(
            TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE)),
            RegistryFixture.settings(RegistrySettings.DEFAULT_MAX_UPLOAD_BYTES, false));
  }
}
