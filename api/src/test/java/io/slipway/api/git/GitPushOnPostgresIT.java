package io.slipway.api.git;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;

@PostgresConfigured
class GitPushOnPostgresIT extends GitPushIT {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
  }
}
