package io.slipway.api.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provides the settings, the data directory and the clock that the rest of the server uses. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SlipwayProperties.class)
public class SlipwayConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SlipwayConfiguration.class);

  /** Creates the data directory (mode 0700) when it does not exist. */
  @Bean
  DataDirectory dataDirectory(SlipwayProperties properties) {
    DataDirectory dataDirectory = DataDirectory.of(properties.dataDir());
    try {
      PrivateFiles.createPrivateDirectories(dataDirectory.root());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the data directory "
              + dataDirectory.root()
              + ": "
              + e.getMessage()
              + "; set slipway.data-dir (or --data-dir) to a writable directory",
          e);
    }
    log.info("Data directory: {}", dataDirectory.root());
    return dataDirectory;
  }

  /**
   * Makes every {@link DataSource} wait for the data directory, so that H2 finds {@code DATA_DIR}
   * created with mode 0700 rather than creating it with the default mode.
   */
  @Bean
  static BeanFactoryPostProcessor dataSourceAfterDataDirectory() {
    return new DataSourceAfterDataDirectory();
  }

  private static final class DataSourceAfterDataDirectory
      extends AbstractDependsOnBeanFactoryPostProcessor {

    DataSourceAfterDataDirectory() {
      super(DataSource.class, DataDirectory.class);
    }
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
