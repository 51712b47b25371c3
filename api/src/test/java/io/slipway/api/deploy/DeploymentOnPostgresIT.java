package io.slipway.api.deploy;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;

@PostgresConfigured
class DeploymentOnPostgresIT extends DeploymentContract {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
  }
}
