package io.slipway.api.oidc;

import io.slipway.testing.PostgresConfigured;
import io.slipway.testing.TestDatabase;

/** Runs {@link OidcSignInIT} on PostgreSQL, where the SQL of sign-in must work as well. */
@PostgresConfigured
class OidcSignInOnPostgresIT extends OidcSignInIT {

  @Override
  TestDatabase freshDatabase() {
    return TestDatabase.postgres(System.getenv(TestDatabase.POSTGRES_URL_VARIABLE));
  }
}
