package io.slipway.api.storage;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.S3Properties;
import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.config.StorageProperties;
import io.slipway.storage.BlobStore;
import io.slipway.storage.filesystem.FilesystemBlobStore;
import io.slipway.storage.s3.S3BlobStore;
import io.slipway.storage.s3.S3Settings;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Creates the {@link BlobStore} that {@code slipway.storage.type} selects. */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

  private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

  @Bean
  BlobStore blobStore(SlipwayProperties properties, DataDirectory dataDirectory) {
    StorageProperties storage = properties.storage();
    return switch (storage.type()) {
      case FILESYSTEM -> filesystem(storage.filesystem(), dataDirectory);
      case S3 -> s3(storage.s3());
    };
  }

  private static BlobStore filesystem(
      StorageProperties.Filesystem settings, DataDirectory dataDirectory) {
    Path root =
        settings.root() == null || settings.root().isBlank()
            ? dataDirectory.blobs()
            : Path.of(settings.root()).toAbsolutePath().normalize();
    log.info("Blob storage: filesystem at {}", root);
    return new FilesystemBlobStore(root);
  }

  private static BlobStore s3(S3Properties properties) {
    S3Settings settings;
    try {
      settings =
          new S3Settings(
              properties.endpoint(),
              properties.region(),
              properties.bucket(),
              properties.accessKey(),
              properties.secretKey(),
              properties.prefix());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid slipway.storage.s3 settings: " + e.getMessage(), e);
    }
    log.info(
        "Blob storage: S3 bucket '{}' at {}, prefix '{}'",
        settings.bucket(),
        settings.endpoint(),
        settings.prefix());
    return new S3BlobStore(settings);
  }
}
