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
 * Registers the OS image settings, the scratch directory and the configurer that writes a fleet's
 * files into a base image. What a stopped server left in the scratch directory is deleted at
 * startup.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OsImageProperties.class)
public class OsImageConfiguration {

  @Bean
  OsImageScratch osImageScratch(DataDirectory dataDirectory) throws IOException {
    Path scratch = dataDirectory.root().resolve("os-images").resolve("tmp");
    FileSystemUtils.deleteRecursively(scratch);
    Files.createDirectories(scratch);
    return new OsImageScratch(scratch);
  }

  @Bean
  ImageConfigurer imageConfigurer(OsImageScratch scratch, OsImageProperties properties) {
    return ImageConfigurer.create(properties.bootLabels(), scratch.directory());
  }
}
