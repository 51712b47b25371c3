package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.SlipwayProperties;
import io.slipway.testing.mqtt.MosquittoProcess;
import io.slipway.testing.mqtt.MosquittoProcess.Security;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * Starts {@link ControlBrokerConfiguration} with {@code slipway.control.broker=external}: against a
 * real Mosquitto with dynamic security, and with settings missing.
 */
class ExternalBrokerConfigurationIT {

  @TempDir Path directory;

  @Test
  void externalSettingStartsMosquittoBroker() throws Exception {
    try (MosquittoProcess mosquitto =
        MosquittoProcess.start(
            Files.createDirectories(directory.resolve("mosquitto")),
            Security.DYNAMIC_SECURITY,
            false)) {
      runner()
          .withPropertyValues(
              "slipway.control.external.url=" + mosquitto.url(),
              "slipway.control.external.username=" + mosquitto.adminUsername(),
              "slipway.control.external.password=" + mosquitto.adminPassword())
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(ControlBroker.class))
                    .isInstanceOf(ExternalMosquittoBroker.class);
              });
    }
  }

  @Test
  void missingUrlFailsStartup() {
    runner()
        .withPropertyValues("slipway.control.external.username=admin")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("slipway.control.external.url is missing"));
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withUserConfiguration(Settings.class, ControlBrokerConfiguration.class)
        .withBean(DataDirectory.class, () -> new DataDirectory(directory.resolve("data")))
        .withPropertyValues("slipway.control.broker=external");
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SlipwayProperties.class)
  static class Settings {}
}
