package io.slipway.builder.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.project.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerfileResolverTest {

  private static final BuildTarget PI4 =
      new BuildTarget("raspberrypi4-64", "aarch64", Platform.LINUX_ARM64);
  private static final BuildTarget NUC =
      new BuildTarget("intel-nuc", "amd64", Platform.LINUX_AMD64);

  @TempDir Path root;

  private static ServiceSpec service(String context, String dockerfile) {
    return new ServiceSpec(
        "web",
        "docker-compose.yml",
        2,
        context,
        dockerfile,
        Map.of(),
        null,
        null,
        Map.of(),
        Map.of(),
        Map.of());
  }

  private void write(String path, String text) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void prefersTheDeviceTypeFile() throws IOException {
    write("web/Dockerfile.raspberrypi4-64", "FROM pi\n");
    write("web/Dockerfile.aarch64", "FROM arm\n");
    write("web/Dockerfile.template", "FROM tmpl\n");

    ResolvedDockerfile resolved = DockerfileResolver.resolve(root, service("web", null), PI4);

    assertThat(resolved.file()).isEqualTo("web/Dockerfile.raspberrypi4-64");
    assertThat(resolved.template()).isFalse();
  }

  @Test
  void fallsBackToTheArchitectureFile() throws IOException {
    write("web/Dockerfile.aarch64", "FROM arm\n");
    write("web/Dockerfile.template", "FROM tmpl\n");

    assertThat(DockerfileResolver.resolve(root, service("web", null), PI4).file())
        .isEqualTo("web/Dockerfile.aarch64");
  }

  @Test
  void fillsTheTemplateForEachDeviceType() throws IOException {
    write(
        "web/Dockerfile.template",
        "FROM registry/%%SLIPWAY_MACHINE_NAME%%-node:20\nRUN echo %%BALENA_ARCH%% %%RESIN_MACHINE_NAME%%\n");

    ResolvedDockerfile pi = DockerfileResolver.resolve(root, service("web", null), PI4);
    ResolvedDockerfile nuc = DockerfileResolver.resolve(root, service("web", null), NUC);

    assertThat(pi.text())
        .isEqualTo("FROM registry/raspberrypi4-64-node:20\nRUN echo aarch64 raspberrypi4-64\n");
    assertThat(nuc.text()).isEqualTo("FROM registry/intel-nuc-node:20\nRUN echo amd64 intel-nuc\n");
    assertThat(pi.template()).isTrue();
  }

  @Test
  void usesThePlainDockerfileLast() throws IOException {
    write("Dockerfile", "FROM plain\n");

    assertThat(DockerfileResolver.resolve(root, service(".", null), NUC).file())
        .isEqualTo("Dockerfile");
  }

  @Test
  void usesANamedDockerfileForEveryDeviceType() throws IOException {
    write("web/Dockerfile.raspberrypi4-64", "FROM pi\n");
    write("web/build/Custom.Dockerfile", "FROM custom\n");

    ResolvedDockerfile resolved =
        DockerfileResolver.resolve(root, service("web", "build/Custom.Dockerfile"), PI4);

    assertThat(resolved.file()).isEqualTo("web/build/Custom.Dockerfile");
  }

  @Test
  void fillsANamedTemplate() throws IOException {
    write("Dockerfile.web.template", "FROM base-%%SLIPWAY_ARCH%%\n");

    ResolvedDockerfile resolved =
        DockerfileResolver.resolve(root, service(".", "Dockerfile.web.template"), NUC);

    assertThat(resolved.text()).isEqualTo("FROM base-amd64\n");
  }

  @Test
  void rejectsAMissingDockerfileListingTheCandidates() {
    assertThatThrownBy(() -> DockerfileResolver.resolve(root, service("web", null), PI4))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("web/Dockerfile");
              assertThat(e.reason())
                  .contains(
                      "web/Dockerfile.raspberrypi4-64, web/Dockerfile.aarch64,"
                          + " web/Dockerfile.template, web/Dockerfile");
            });
  }

  @Test
  void rejectsAnUnknownTemplateVariableWithItsLine() throws IOException {
    write("Dockerfile.template", "FROM a\n\nRUN echo %%SLIPWAY_APP_NAME%%\n");

    assertThatThrownBy(() -> DockerfileResolver.resolve(root, service(".", null), NUC))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("Dockerfile.template");
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.reason()).contains("%%SLIPWAY_APP_NAME%%");
            });
  }

  @Test
  void rejectsAVariableLeftInAPlainDockerfile() throws IOException {
    write("Dockerfile", "FROM a\nFROM balenalib/%%BALENA_MACHINE_NAME%%-debian\n");

    assertThatThrownBy(() -> DockerfileResolver.resolve(root, service(".", null), NUC))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).contains("%%BALENA_MACHINE_NAME%%").contains("not a template");
            });
  }

  @Test
  void leavesLowerCasePercentTextAlone() throws IOException {
    write("Dockerfile", "FROM a\nRUN date +%%s%% > /stamp\n");

    assertThat(DockerfileResolver.resolve(root, service(".", null), NUC).text()).contains("%%s%%");
  }
}
