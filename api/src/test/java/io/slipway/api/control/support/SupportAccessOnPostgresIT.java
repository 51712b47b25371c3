package io.slipway.api.control.support;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;

@PostgresConfigured
class SupportAccessOnPostgresIT extends SupportAccessIT {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
  }
}
