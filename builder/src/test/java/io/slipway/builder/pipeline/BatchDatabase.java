package io.slipway.builder.pipeline;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.slipway.builder.cache.JdbcBuildCache;
import io.slipway.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * A fresh database with Spring Batch's own tables and the build cache table: in-memory H2, or a new
 * schema in the PostgreSQL server that {@link TestDatabase} is configured with. Each {@link
 * #process()} is the database as one server process uses it, with a connection that a test can cut
 * as the process dying would.
 */
final class BatchDatabase {

  private final TestDatabase database;
  private final HikariDataSource pool;

  private BatchDatabase(TestDatabase database) {
    this.database = database;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.jdbcUrl());
    config.setMaximumPoolSize(8);
    this.pool = new HikariDataSource(config);
    String batchSchema =
        "org/springframework/batch/core/schema-"
            + ("postgresql".equals(database.name()) ? "postgresql" : "h2")
            + ".sql";
    new ResourceDatabasePopulator(
            new ClassPathResource(batchSchema), new ClassPathResource(JdbcBuildCache.SCHEMA))
        .execute(database.dataSource());
  }

  /** Returns a fresh H2 database. */
  static BatchDatabase h2() {
    return new BatchDatabase(TestDatabase.h2());
  }

  /** Returns a fresh database of each configured kind: H2, and PostgreSQL when configured. */
  static List<BatchDatabase> all() {
    return TestDatabase.all().stream().map(BatchDatabase::new).toList();
  }

  /** Returns a pooled data source on the database. */
  DataSource plain() {
    return pool;
  }

  /** Returns the database as one process uses it. */
  Process process() {
    return new Process(plain());
  }

  @Override
  public String toString() {
    return database.name();
  }

  /** One process's connection to the database, which {@link #die()} cuts. */
  static final class Process extends DelegatingDataSource {

    private final AtomicBoolean dead = new AtomicBoolean();
    private final JobRepository jobRepository;

    Process(DataSource target) {
      super(target);
      this.jobRepository = jobRepository(this);
    }

    JobRepository jobRepository() {
      return jobRepository;
    }

    /** Makes every later database call of this process fail, so it stores nothing more. */
    void die() {
      dead.set(true);
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (dead.get()) {
        throw new SQLException("this process is dead");
      }
      return super.getConnection();
    }

    private static JobRepository jobRepository(DataSource dataSource) {
      JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
      factory.setDataSource(dataSource);
      factory.setTransactionManager(new JdbcTransactionManager(dataSource));
      try {
        factory.afterPropertiesSet();
        return factory.getObject();
      } catch (Exception e) {
        throw new IllegalStateException("Failed to create the job repository", e);
      }
    }
  }
}
