package io.slipway.api.devicelog;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;

/** Runs {@link DeviceLogIT} on PostgreSQL, where the SQL of device logs must work as well. */
@PostgresConfigured
class DeviceLogOnPostgresIT extends DeviceLogIT {

  @Override
  TestDatabase freshDatabase() {
    return TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
  }
}
