package io.slipway.api.control.channel;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;

@PostgresConfigured
class ControlChannelOnPostgresIT extends ControlChannelIT {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
  }
}
