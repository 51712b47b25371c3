package io.slipway.api.account;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;

/** Runs {@link AccountsIT} on PostgreSQL, where the SQL of accounts must work as well. */
@PostgresConfigured
class AccountsOnPostgresIT extends AccountsIT {

  @Override
  TestDatabase freshDatabase() {
    return TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
  }
}
