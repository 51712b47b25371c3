package io.slipway.api.build;

import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Isolation;

/**
 * Wires the release pipeline into the server: the builder settings, the engines this server has,
 * and the Spring Batch job repository on the server's own database and transaction manager.
 *
 * <p>Spring Boot's Batch support ({@code spring-boot-batch}) is deliberately not on the class path:
 * it would run jobs at startup and could create the Batch tables itself. Here the Flyway migration
 * {@code V2_9__builds.sql} owns the tables, and jobs start only through {@link BuildService} or the
 * recovery at startup.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BuilderProperties.class)
public class BuildConfiguration {

  private static final Logger log = LoggerFactory.getLogger(BuildConfiguration.class);

  @Bean
  EngineSettings engineSettings(BuilderProperties properties) {
    EngineSettings engines = EngineSettings.of(properties);
    log.info(
        "Builder: {} workers, engine {}, Jib always, Docker {}, BuildKit {}",
        properties.workers(),
        engines.defaultEngine().engineName(),
        engines.dockerHost() == null ? "none" : engines.dockerHost(),
        engines.buildkitAddress() == null ? "none" : engines.buildkitAddress());
    return engines;
  }

  /**
   * The job repository in the server's database. New executions are created under {@code READ
   * COMMITTED} rather than Batch's default {@code SERIALIZABLE}, which PostgreSQL would answer with
   * serialization failures when several builds start at once; the unique job key still keeps one
   * instance per release.
   */
  @Bean
  JobRepository jobRepository(DataSource dataSource, PlatformTransactionManager transactions)
      throws Exception {
    JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
    factory.setDataSource(dataSource);
    factory.setTransactionManager(transactions);
    factory.setIsolationLevelForCreateEnum(Isolation.READ_COMMITTED);
    factory.afterPropertiesSet();
    return factory.getObject();
  }
}
