package io.slipway.builder.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectTest {

  @TempDir Path root;

  @Test
  void loadsASingleDockerfileAsServiceMain() throws IOException {
    Files.writeString(root.resolve("Dockerfile"), "FROM busybox\n");

    Project project = Project.load(root);

    assertThat(project.services()).extracting(ServiceSpec::name).containsExactly("main");
    assertThat(project.services().get(0).context()).isEqualTo(".");
  }

  @Test
  void loadsATemplateOnlyProject() throws IOException {
    Files.writeString(root.resolve("Dockerfile.template"), "FROM %%SLIPWAY_ARCH%%\n");

    assertThat(Project.load(root).service("main")).isPresent();
  }

  @Test
  void prefersTheComposeFile() throws IOException {
    Files.writeString(root.resolve("Dockerfile"), "FROM busybox\n");
    Files.writeString(root.resolve("docker-compose.yml"), "services:\n  api:\n    build: .\n");

    Project project = Project.load(root);

    assertThat(project.file()).isEqualTo("docker-compose.yml");
    assertThat(project.services()).extracting(ServiceSpec::name).containsExactly("api");
  }

  @Test
  void rejectsATreeWithNeither() {
    assertThatThrownBy(() -> Project.load(root))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("neither a docker-compose.yml nor a Dockerfile");
  }
}
