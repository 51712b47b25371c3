package io.slipway.builder.context;

import static io.slipway.builder.context.ContextFixture.link;
import static io.slipway.builder.context.ContextFixture.write;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.DockerfileParser;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceCheckTest {

  @TempDir Path project;
  Path context;

  @BeforeEach
  void files() throws IOException {
    context = Files.createDirectories(project.resolve("web"));
    write(project, "shared/config.yml", "a: 1\n");
    write(context, "app/server.js", "console.log(1);\n");
    write(context, "package.json", "{}\n");
    write(context, "local.env", "X=1\n");
    write(context, ".dockerignore", "local.env\n");
  }

  private void check(String dockerfileText) {
    Dockerfile dockerfile = DockerfileParser.parse(dockerfileText, "web/Dockerfile");
    VariableScope scope = VariableScope.of(dockerfile, Map.of(), Platform.LINUX_AMD64);
    SourceCheck.check(
        dockerfile, scope, dockerfile.dependencyChain(null), BuildContext.scan(context, "web"));
  }

  @Test
  void acceptsSourcesInsideTheContext() {
    String text =
        """
        FROM node:20 AS build
        COPY package.json ./
        COPY ["app/server.js", "/srv/"]
        COPY app/*.js /srv/
        COPY . /src
        ADD https://example.com/file.tgz /tmp/
        COPY <<EOF /etc/motd
        hello
        EOF
        FROM node:20
        COPY --from=build /srv /srv
        """;

    assertThatCode(() -> check(text)).doesNotThrowAnyException();
  }

  @Test
  void rejectsADotDotSourceWithFileAndLine() {
    String text = "FROM node:20\nWORKDIR /srv\nCOPY ../shared/config.yml /srv/\n";

    assertThatThrownBy(() -> check(text))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("web/Dockerfile:3:")
        .hasMessageContaining("'../shared/config.yml' is outside the build context web");
  }

  @Test
  void rejectsADotDotHiddenInsideAPath() {
    assertThatThrownBy(() -> check("FROM a\nADD app/../../shared /x\n"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("outside the build context");
  }

  @Test
  void rejectsASourceThroughALinkPointingOutside() throws IOException {
    link(context, "config", "../shared");

    assertThatThrownBy(() -> check("FROM a\nCOPY config/config.yml /etc/\n"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("web/Dockerfile:2:")
        .hasMessageContaining("symbolic link config -> ../shared");
  }

  @Test
  void rejectsALinkToAnAbsolutePath() throws IOException {
    link(context, "passwd", "/etc/passwd");

    assertThatThrownBy(() -> check("FROM a\nCOPY passwd /x\n"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("points outside the build context");
  }

  @Test
  void acceptsALinkInsideTheContext() throws IOException {
    link(context, "src", "app");

    assertThatCode(() -> check("FROM a\nCOPY src/server.js /x\n")).doesNotThrowAnyException();
  }

  @Test
  void rejectsAMissingSource() {
    assertThatThrownBy(() -> check("FROM a\nCOPY missing.txt /x\n"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("'missing.txt' does not exist in the build context web");
  }

  @Test
  void rejectsASourceExcludedByDockerignore() {
    assertThatThrownBy(() -> check("FROM a\nCOPY local.env /x\n"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("excluded by .dockerignore");
  }

  @Test
  void expandsVariablesInSources() {
    String text = "FROM a\nARG DIR=../shared\nCOPY ${DIR}/config.yml /x\n";

    assertThatThrownBy(() -> check(text))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("'../shared/config.yml'");
  }
}
