package io.slipway.systemtest.server;

import io.slipway.systemtest.server.Backend.Database;
import io.slipway.systemtest.server.Backend.Storage;
import io.slipway.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The backends a suite runs against, as {@code @MethodSource} factories.
 *
 * <p>PostgreSQL joins when {@code SLIPWAY_TEST_POSTGRES_URL} is set. Without it a developer's run
 * covers H2 alone, while a CI run ({@code CI=true}) fails, the same rule as {@link
 * TestDatabase#all()}.
 */
public final class Backends {

  private Backends() {}

  /** Returns every database with every storage: up to four backends. */
  public static List<Backend> all() {
    List<Backend> backends = new ArrayList<>();
    for (Database database : databases()) {
      for (Storage storage : Storage.values()) {
        backends.add(new Backend(database, storage));
      }
    }
    return backends;
  }

  /**
   * Two backends that between them use each database and each storage once: (H2, filesystem) and
   * (PostgreSQL, S3), or (H2, S3) when PostgreSQL is not configured.
   */
  public static List<Backend> pairs() {
    Database other = databases().contains(Database.POSTGRESQL) ? Database.POSTGRESQL : Database.H2;
    return List.of(new Backend(Database.H2, Storage.FILESYSTEM), new Backend(other, Storage.S3));
  }

  /** Returns the PostgreSQL base URL, or empty when tests run on H2 alone. */
  static Optional<String> postgresUrl() {
    String url = System.getenv(TestDatabase.POSTGRES_URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      return Optional.of(url);
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(
          TestDatabase.POSTGRES_URL_VARIABLE
              + " is not set under CI: .ci/run must start PostgreSQL and set it");
    }
    return Optional.empty();
  }

  private static List<Database> databases() {
    return postgresUrl().isPresent()
        ? List.of(Database.H2, Database.POSTGRESQL)
        : List.of(Database.H2);
  }
}
