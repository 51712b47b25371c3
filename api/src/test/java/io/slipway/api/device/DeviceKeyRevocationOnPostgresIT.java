package io.slipway.api.device;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;

@PostgresConfigured
class DeviceKeyRevocationOnPostgresIT extends DeviceKeyRevocationIT {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
  }
}
