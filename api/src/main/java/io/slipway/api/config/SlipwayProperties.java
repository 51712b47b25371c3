package io.slipway.api.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Server settings under {@code slipway.*}, bound from properties files, command-line arguments and
 * environment variables ({@code SLIPWAY_DATA_DIR}, {@code SLIPWAY_STORAGE_TYPE}, ...).
 *
 * @param dataDir directory for the H2 database, filesystem blobs, keys and the bootstrap token;
 *     relative paths resolve against the working directory at startup
 * @param storage where blobs are kept
 * @param registry settings of the container registry under {@code /v2/}
 */
@ConfigurationProperties("slipway")
public record SlipwayProperties(
    @DefaultValue(DataDirectory.DEFAULT) String dataDir,
    @DefaultValue StorageProperties storage,
    @DefaultValue RegistryProperties registry) {

  public SlipwayProperties {
    if (dataDir == null || dataDir.isBlank()) {
      throw new IllegalArgumentException(
          "slipway.data-dir is blank: set it to a directory such as ./data");
    }
  }
}
