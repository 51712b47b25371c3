package io.slipway.api.build;

import io.slipway.api.config.DataDirectory;
import io.slipway.builder.cache.JdbcBuildCache;
import io.slipway.builder.pipeline.ReleaseHook;
import io.slipway.builder.pipeline.SpringBatchReleasePipeline;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
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

  /**
   * The builder's cache directory: {@code slipway.builder.cache-dir}, else {@code builds/cache}.
   */
  static Path cacheDirectory(BuilderProperties properties, DataDirectory dataDirectory) {
    if (properties.cacheDir() == null || properties.cacheDir().isBlank()) {
      return dataDirectory.builds().resolve("cache");
    }
    return dataDirectory.root().resolve(properties.cacheDir()).normalize();
  }

  @Bean(destroyMethod = "close")
  BuildEngines buildEngines(
      EngineSettings settings, BuilderProperties properties, DataDirectory dataDirectory) {
    return BuildEngines.create(settings, cacheDirectory(properties, dataDirectory));
  }

  /**
   * The release pipeline. Created lazily, on the first build or at the recovery once the server
   * listens, because the pipeline asks {@link ServerRegistryAccess} for the registry address when
   * it is built, and that is the server's own port.
   */
  @Bean(destroyMethod = "close")
  @Lazy
  SpringBatchReleasePipeline releasePipeline(
      JobRepository jobRepository,
      ReleaseBuildSink sink,
      ServerRegistryAccess access,
      BuildEngines engines,
      DataSource dataSource,
      DataDirectory dataDirectory,
      BuilderProperties properties,
      ObjectProvider<ReleaseHook> hooks) {
    SpringBatchReleasePipeline pipeline =
        SpringBatchReleasePipeline.builder()
            .jobRepository(jobRepository)
            .sink(sink)
            .registryAccess(access)
            .engines(engines.byName())
            .cache(new JdbcBuildCache(dataSource))
            .hooks(hooks.orderedStream().toList())
            .buildRoot(dataDirectory.builds().resolve("jobs"))
            .workers(properties.workers())
            .build();
    log.info(
        "Release pipeline ready: engines {}, registry {}, {} workers",
        engines.byName().keySet(),
        access.registry(),
        properties.workers());
    return pipeline;
  }

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
   * COMMITTED} rather than Batch's default {@code SERIALIZABLE}, which PostgreSQL can end with
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
