package io.slipway.builder.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.project.ServiceSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeFileTest {

  private static final String SENSORS =
      """
      version: '2.1'

      x-defaults: &defaults
        restart: always
        labels:
          io.balena.features.dbus: '1'

      volumes:
        data: {}

      services:
        web:
          <<: *defaults
          build:
            context: ./web
            dockerfile: Dockerfile.custom
            args:
              NODE_ENV: production
              WORKERS: 4
              FROM_HOST:
            target: runtime
          ports:
            - "80:8080"
          environment:
            - LOG_LEVEL=debug
            - EMPTY
          volumes:
            - data:/data
          depends_on:
            - collector
        collector:
          build: collector
          privileged: true
          network_mode: host
          devices:
            - /dev/i2c-1:/dev/i2c-1
          cap_add: [SYS_RAWIO]
          environment:
            SAMPLE_RATE: 10
            DEBUG: false
            UNSET:
          command: ["collector", "--interval", "5s"]
        proxy:
          image: nginx:1.27
          restart: unless-stopped
      """;

  private static ServiceSpec service(String name) {
    return ComposeFile.parse(SENSORS, "docker-compose.yml").services().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void keepsServicesInFileOrder() {
    ComposeFile compose = ComposeFile.parse(SENSORS, "docker-compose.yml");

    assertThat(compose.services())
        .extracting(ServiceSpec::name)
        .containsExactly("web", "collector", "proxy");
  }

  @Test
  void readsTheBuildMapping() {
    ServiceSpec web = service("web");

    assertThat(web.context()).isEqualTo("web");
    assertThat(web.dockerfile()).isEqualTo("Dockerfile.custom");
    assertThat(web.target()).isEqualTo("runtime");
    assertThat(web.buildArgs())
        .containsExactly(Map.entry("NODE_ENV", "production"), Map.entry("WORKERS", "4"));
  }

  @Test
  void readsABuildGivenAsAPath() {
    ServiceSpec collector = service("collector");

    assertThat(collector.context()).isEqualTo("collector");
    assertThat(collector.dockerfile()).isNull();
  }

  @Test
  void recordsTheServiceLine() {
    assertThat(service("web").line()).isEqualTo(12);
  }

  @Test
  void readsEnvironmentAsAList() {
    assertThat(service("web").environment())
        .containsExactly(Map.entry("LOG_LEVEL", "debug"), Map.entry("EMPTY", ""));
  }

  @Test
  void readsEnvironmentAsAMapping() {
    assertThat(service("collector").environment())
        .containsExactly(
            Map.entry("SAMPLE_RATE", "10"), Map.entry("DEBUG", "false"), Map.entry("UNSET", ""));
  }

  @Test
  void appliesMergeKeys() {
    ServiceSpec web = service("web");

    assertThat(web.configuration()).containsEntry("restart", "always");
    assertThat(web.labels()).containsEntry("io.balena.features.dbus", "1");
  }

  @Test
  void keepsTheRestAsConfigurationWithTypedValues() {
    ServiceSpec collector = service("collector");

    assertThat(collector.configuration())
        .containsEntry("privileged", true)
        .containsEntry("network_mode", "host")
        .containsEntry("devices", List.of("/dev/i2c-1:/dev/i2c-1"))
        .containsEntry("cap_add", List.of("SYS_RAWIO"))
        .containsEntry("command", List.of("collector", "--interval", "5s"))
        .doesNotContainKeys("build", "environment", "labels", "image");
  }

  @Test
  void keepsPortsAsText() {
    assertThat(service("web").configuration()).containsEntry("ports", List.of("80:8080"));
  }

  @Test
  void readsAnImageOnlyService() {
    ServiceSpec proxy = service("proxy");

    assertThat(proxy.isBuilt()).isFalse();
    assertThat(proxy.image()).isEqualTo("nginx:1.27");
  }

  @Test
  void readsArgsGivenAsAList() {
    String text =
        "services:\n  a:\n    build:\n      context: .\n      args:\n        - A=1\n        - B=x=y\n        - FROM_HOST\n";

    ServiceSpec a = ComposeFile.parse(text, "docker-compose.yml").services().get(0);

    assertThat(a.buildArgs()).containsEntry("A", "1").containsEntry("B", "x=y");
    assertThat(a.buildArgs()).doesNotContainKey("FROM_HOST");
  }

  @Test
  void rejectsAFileThatIsNotAMapping() {
    assertThatThrownBy(() -> ComposeFile.parse("- a\n- b\n", "docker-compose.yml"))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("docker-compose.yml");
              assertThat(e.line()).isEqualTo(1);
              assertThat(e.reason()).contains("mapping");
            });
  }

  @Test
  void rejectsAFileWithoutServices() {
    assertThatThrownBy(() -> ComposeFile.parse("version: '2'\n", "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("no services:");
  }

  @Test
  void rejectsEmptyServices() {
    assertThatThrownBy(() -> ComposeFile.parse("services: {}\n", "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("services: is empty");
  }

  @Test
  void rejectsAServiceWithoutBuildOrImage() {
    String text = "services:\n  web:\n    build: .\n  worker:\n    restart: always\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(4);
              assertThat(e.reason()).contains("worker").contains("build:").contains("image:");
            });
  }

  @Test
  void rejectsAnInvalidServiceName() {
    String text = "services:\n  Web_App-:\n    image: a\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("docker-compose.yml:2:")
        .hasMessageContaining("'Web_App-'");
  }

  @Test
  void rejectsAServiceNameLongerThan63() {
    String text = "services:\n  " + "a".repeat(64) + ":\n    image: a\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("at most 63");
  }

  @Test
  void rejectsInvalidYamlWithItsLine() {
    String text = "services:\n  web:\n    image: [a\n  db:\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.line()).isPositive();
              assertThat(e.reason()).startsWith("invalid YAML");
            });
  }

  @Test
  void rejectsADuplicateKey() {
    String text = "services:\n  web:\n    image: a\n    image: b\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("docker-compose.yml:4:")
        .hasMessageContaining("line 3");
  }

  @Test
  void rejectsAContextOutsideTheProject() {
    String text = "services:\n  web:\n    build: ../elsewhere\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("docker-compose.yml:3:")
        .hasMessageContaining("leaves the project");
  }

  @Test
  void acceptsADockerfileBesideTheContext() {
    String text =
        "services:\n  web:\n    build:\n      context: web\n      dockerfile: ../docker/Web.Dockerfile\n";

    ServiceSpec web = ComposeFile.parse(text, "docker-compose.yml").services().get(0);

    assertThat(web.dockerfile()).isEqualTo("../docker/Web.Dockerfile");
  }

  @Test
  void rejectsADockerfileOutsideTheProject() {
    String text =
        "services:\n  web:\n    build:\n      context: web\n      dockerfile: ../../Dockerfile\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("docker-compose.yml:5:")
        .hasMessageContaining("leaves the project");
  }

  @Test
  void rejectsAGitUrlContext() {
    String text = "services:\n  web:\n    build: https://example.com/repo.git\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("is a URL");
  }

  @Test
  void rejectsAServiceThatIsNotAMapping() {
    assertThatThrownBy(() -> ComposeFile.parse("services:\n  web: nginx\n", "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("service web must be a mapping");
  }

  @Test
  void rejectsAnEmptyFile() {
    assertThatThrownBy(() -> ComposeFile.parse("# nothing\n", "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("empty");
  }
}
