package io.slipway.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class SlipwayDefaultsTest {

  private static StandardEnvironment environment(Map<String, Object> properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
    new SlipwayDefaults().postProcessEnvironment(environment, new SpringApplication());
    return environment;
  }

  @Test
  void databaseDefaultsToH2FileInDataDirectory() {
    StandardEnvironment environment = environment(Map.of("slipway.data-dir", "/srv/slipway"));

    assertThat(environment.getProperty("spring.datasource.url"))
        .isEqualTo(
            "jdbc:h2:file:/srv/slipway/db/slipway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE;WRITE_DELAY=0");
  }

  @Test
  void relativeDataDirectoryResolvesAgainstWorkingDirectory() {
    StandardEnvironment environment = environment(Map.of("slipway.data-dir", "state"));

    Path expected = Path.of("state").toAbsolutePath().resolve("db").resolve("slipway");
    assertThat(environment.getProperty("spring.datasource.url"))
        .startsWith("jdbc:h2:file:" + expected + ";");
  }

  @Test
  void dataDirectoryDefaultsToDataInWorkingDirectory() {
    StandardEnvironment environment = environment(Map.of());

    Path expected = Path.of("data").toAbsolutePath().resolve("db").resolve("slipway");
    assertThat(environment.getProperty("spring.datasource.url"))
        .startsWith("jdbc:h2:file:" + expected + ";");
  }

  @Test
  void configuredDatasourceUrlWins() {
    String postgres = "jdbc:postgresql://127.0.0.1:5432/slipway";
    StandardEnvironment environment = environment(Map.of("spring.datasource.url", postgres));

    assertThat(environment.getProperty("spring.datasource.url")).isEqualTo(postgres);
  }

  @Test
  void serverListensOnLoopbackByDefault() {
    StandardEnvironment environment = environment(Map.of());

    assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
  }

  @Test
  void configuredServerAddressWins() {
    StandardEnvironment environment = environment(Map.of("server.address", "0.0.0.0"));

    assertThat(environment.getProperty("server.address")).isEqualTo("0.0.0.0");
  }
}
