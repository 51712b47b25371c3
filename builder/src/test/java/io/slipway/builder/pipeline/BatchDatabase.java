package io.slipway.builder.pipeline;

import io.slipway.builder.cache.JdbcBuildCache;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * An in-memory H2 database with Spring Batch's own tables and the build cache table, kept until the
 * JVM ends. Each {@link #process()} is the database as one server process uses it, with a
 * connection that a test can cut as the process dying would.
 */
final class BatchDatabase {

  private final String url =
      "jdbc:h2:mem:pipeline-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1";

  BatchDatabase() {
    new ResourceDatabasePopulator(
            new ClassPathResource("org/springframework/batch/core/schema-h2.sql"),
            new ClassPathResource(JdbcBuildCache.SCHEMA))
        .execute(plain());
  }

  /** Returns a data source on the database. */
  DataSource plain() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(url);
    return dataSource;
  }

  /** Returns the database as one process uses it. */
  Process process() {
    return new Process(plain());
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
