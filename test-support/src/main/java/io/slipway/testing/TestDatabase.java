package io.slipway.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh, migrated database for one test: an in-memory H2 database, or a new schema in the
 * PostgreSQL server that {@code SLIPWAY_TEST_POSTGRES_URL} names.
 *
 * <p>The PostgreSQL URL is a JDBC URL with user and password as parameters, for example {@code
 * jdbc:postgresql://127.0.0.1:5432/slipway?user=slipway&password=slipway}. When it is unset, {@link
 * #all()} returns H2 alone, except under CI ({@code CI=true}), where a missing PostgreSQL fails the
 * run instead of being skipped quietly.
 *
 * @param name short label for test names: {@code h2} or {@code postgresql}
 * @param dataSource a data source on the fresh database, migrated by Flyway
 * @param jdbcUrl a JDBC URL that reaches the same database (and schema)
 */
public record TestDatabase(String name, DataSource dataSource, String jdbcUrl) {

  /** Environment variable naming the PostgreSQL server for tests. */
  public static final String POSTGRES_URL_VARIABLE = "SLIPWAY_TEST_POSTGRES_URL";

  @Override
  public String toString() {
    return name;
  }

  /** Returns every configured database, each fresh and migrated; see the type's doc for CI. */
  public static List<TestDatabase> all() {
    List<TestDatabase> databases = new ArrayList<>();
    databases.add(h2());
    String postgresUrl = System.getenv(POSTGRES_URL_VARIABLE);
    if (postgresUrl != null && !postgresUrl.isBlank()) {
      databases.add(postgres(postgresUrl));
    } else if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(
          POSTGRES_URL_VARIABLE + " is not set under CI: .ci/run must start PostgreSQL and set it");
    }
    return databases;
  }

  /** Returns a fresh, migrated in-memory H2 database in PostgreSQL compatibility mode. */
  public static TestDatabase h2() {
    String url =
        "jdbc:h2:mem:test-"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(url);
    migrate(dataSource);
    return new TestDatabase("h2", dataSource, url);
  }

  /** Returns a new schema in the PostgreSQL server at {@code baseUrl}, migrated. */
  public static TestDatabase postgres(String baseUrl) {
    String schema = "test_" + UUID.randomUUID().toString().replace("-", "");
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setURL(baseUrl);
    try (Connection connection = admin.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot create a schema in PostgreSQL at "
              + POSTGRES_URL_VARIABLE
              + ": "
              + e.getMessage(),
          e);
    }
    String url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url);
    migrate(dataSource);
    return new TestDatabase("postgresql", dataSource, url);
  }

  private static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }
}
