package io.slipway.api.osimage;

import io.slipway.api.config.DataDirectory;
import io.slipway.osimage.configure.ImageConfigurer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.FileSystemUtils;

/**
 * Registers the OS image settings and the configurer that writes a fleet's files into a base image.
 * Its scratch directory, {@code DATA_DIR/os-images/tmp}, contains the decompressed start of images
 * being configured; what a stopped server left there is deleted at startup.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OsImageProperties.class)
public class OsImageConfiguration {

  @Bean
  ImageConfigurer imageConfigurer(DataDirectory dataDirectory, OsImageProperties properties)
      throws IOException {
    Path scratch = dataDirectory.root().resolve("os-images").resolve("tmp");
    FileSystemUtils.deleteRecursively(scratch);
    Files.createDirectories(scratch);
    return ImageConfigurer.create(properties.bootLabels(), scratch);
  }
}
