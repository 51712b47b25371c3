package io.slipway.builder.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {

  private static final String GO_SERVICE =
      """
      # syntax=docker/dockerfile:1.4
      # A typical two-stage Go service.
      ARG GO_VERSION=1.22
      ARG ALPINE_VERSION=3.20

      FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build
      WORKDIR /src
      COPY go.mod go.sum ./
      RUN --mount=type=cache,target=/root/.cache/go-build \\
          go mod download
      COPY . .
      ARG TARGETARCH
      RUN CGO_ENABLED=0 GOARCH=$TARGETARCH \\
          # comments inside a continuation are dropped
          go build -o /out/sensor ./cmd/sensor

      FROM alpine:${ALPINE_VERSION}
      LABEL org.opencontainers.image.title="sensor" \\
            maintainer="ops@example.com"
      COPY --from=build --chown=1000:1000 --chmod=0755 /out/sensor /usr/local/bin/sensor
      EXPOSE 8080/tcp
      USER 1000
      HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-q", "-O-", "http://localhost:8080/healthz"]
      ENTRYPOINT ["/usr/local/bin/sensor"]
      CMD ["--listen", ":8080"]
      """;

  @Test
  void readsParserDirectivesAtTheTop() {
    Dockerfile dockerfile = DockerfileParser.parse(GO_SERVICE, "Dockerfile");

    assertThat(dockerfile.directives()).containsEntry("syntax", "docker/dockerfile:1.4");
  }

  @Test
  void keepsArgsBeforeTheFirstFromAsGlobal() {
    Dockerfile dockerfile = DockerfileParser.parse(GO_SERVICE, "Dockerfile");

    assertThat(dockerfile.globalArgs())
        .extracting(Instruction::arguments)
        .containsExactly("GO_VERSION=1.22", "ALPINE_VERSION=3.20");
  }

  @Test
  void splitsStagesWithNamesPlatformAndBase() {
    Dockerfile dockerfile = DockerfileParser.parse(GO_SERVICE, "Dockerfile");

    Stage build = dockerfile.stages().get(0);
    assertThat(build.name()).isEqualTo("build");
    assertThat(build.platform()).isEqualTo("$BUILDPLATFORM");
    assertThat(build.baseImage()).isEqualTo("golang:${GO_VERSION}-alpine");
    assertThat(build.line()).isEqualTo(6);
    assertThat(dockerfile.stages().get(1).name()).isNull();
  }

  @Test
  void joinsContinuationLinesAndSkipsCommentsInside() {
    Dockerfile dockerfile = DockerfileParser.parse(GO_SERVICE, "Dockerfile");

    Instruction run = dockerfile.stages().get(0).instructions().get(5);
    assertThat(run.keyword()).isEqualTo("RUN");
    assertThat(run.line()).isEqualTo(13);
    assertThat(run.endLine()).isEqualTo(15);
    assertThat(run.arguments())
        .isEqualTo("CGO_ENABLED=0 GOARCH=$TARGETARCH     go build -o /out/sensor ./cmd/sensor");
  }

  @Test
  void readsCopyOptions() {
    Dockerfile dockerfile = DockerfileParser.parse(GO_SERVICE, "Dockerfile");

    Instruction copy = dockerfile.stages().get(1).instructions().get(1);
    assertThat(copy.flag("from")).contains("build");
    assertThat(copy.flag("chown")).contains("1000:1000");
    assertThat(copy.flag("chmod")).contains("0755");
    assertThat(copy.arguments()).isEqualTo("/out/sensor /usr/local/bin/sensor");
  }

  @Test
  void readsRunMountOption() {
    Dockerfile dockerfile = DockerfileParser.parse(GO_SERVICE, "Dockerfile");

    Instruction run = dockerfile.stages().get(0).instructions().get(2);
    assertThat(run.flags("mount")).containsExactly("type=cache,target=/root/.cache/go-build");
    assertThat(run.arguments()).isEqualTo("go mod download");
  }

  @Test
  void tellsExecFormFromShellForm() {
    Dockerfile dockerfile = DockerfileParser.parse(GO_SERVICE, "Dockerfile");

    List<Instruction> last = dockerfile.stages().get(1).instructions();
    assertThat(last.get(5).execForm()).containsExactly("/usr/local/bin/sensor");
    assertThat(last.get(6).execForm()).containsExactly("--listen", ":8080");
    assertThat(dockerfile.stages().get(0).instructions().get(2).isExecForm()).isFalse();
  }

  @Test
  void keepsHealthcheckOptionsAndItsCommand() {
    Dockerfile dockerfile = DockerfileParser.parse(GO_SERVICE, "Dockerfile");

    Instruction healthcheck = dockerfile.stages().get(1).instructions().get(4);
    assertThat(healthcheck.flag("interval")).contains("30s");
    assertThat(healthcheck.arguments()).startsWith("CMD [\"wget\"");
  }

  @Test
  void readsAllStandardInstructions() {
    String text =
        """
        FROM debian:12-slim
        MAINTAINER Ops <ops@example.com>
        SHELL ["/bin/bash", "-euo", "pipefail", "-c"]
        ENV LANG=C.UTF-8 TZ=UTC
        ENV LEGACY some value with spaces
        ADD https://example.com/tool.tar.gz /opt/
        ADD --chown=app:app vendor.tar.gz /opt/vendor/
        VOLUME ["/data"]
        VOLUME /cache /logs
        STOPSIGNAL SIGTERM
        ONBUILD COPY . /app
        workdir /app
        run echo lower-case keywords work
        CMD echo shell form
        """;

    Dockerfile dockerfile = DockerfileParser.parse(text, "Dockerfile");

    assertThat(dockerfile.stages().get(0).instructions())
        .extracting(Instruction::keyword)
        .containsExactly(
            "MAINTAINER",
            "SHELL",
            "ENV",
            "ENV",
            "ADD",
            "ADD",
            "VOLUME",
            "VOLUME",
            "STOPSIGNAL",
            "ONBUILD",
            "WORKDIR",
            "RUN",
            "CMD");
  }

  @Test
  void parsesTheTriggerOfOnbuild() {
    Dockerfile dockerfile =
        DockerfileParser.parse("FROM node:20\nONBUILD COPY . /app\n", "Dockerfile");

    Instruction onbuild = dockerfile.stages().get(0).instructions().get(0);
    assertThat(onbuild.trigger().keyword()).isEqualTo("COPY");
    assertThat(onbuild.trigger().arguments()).isEqualTo(". /app");
  }

  @Test
  void honoursTheBacktickEscapeDirective() {
    String text =
        """
        # escape=`
        FROM mcr.example.com/windows/servercore
        RUN dir c:\\ `
            && echo done
        """;

    Dockerfile dockerfile = DockerfileParser.parse(text, "Dockerfile");

    assertThat(dockerfile.escape()).isEqualTo('`');
    Instruction run = dockerfile.stages().get(0).instructions().get(0);
    assertThat(run.arguments()).isEqualTo("dir c:\\     && echo done");
    assertThat(run.endLine()).isEqualTo(4);
  }

  @Test
  void stopsReadingDirectivesAfterTheFirstComment() {
    String text = "# a comment\n# escape=`\nFROM busybox\nRUN echo a \\\n  b\n";

    Dockerfile dockerfile = DockerfileParser.parse(text, "Dockerfile");

    assertThat(dockerfile.escape()).isEqualTo('\\');
    assertThat(dockerfile.directives()).isEmpty();
  }

  @Test
  void readsHeredocsWithTheirBodiesAndLines() {
    String text =
        """
        # syntax=docker/dockerfile:1
        FROM debian:12
        RUN <<EOF
        apt-get update
        apt-get install -y curl
        EOF
        COPY <<-"CONF" /etc/app.conf
        \tport = ${PORT}
        \tCONF
        RUN <<one cat > /a && <<'two' cat > /b
        first
        one
        second $HOME
        two
        USER nobody
        """;

    Dockerfile dockerfile = DockerfileParser.parse(text, "Dockerfile");

    List<Instruction> instructions = dockerfile.stages().get(0).instructions();
    Heredoc script = instructions.get(0).heredocs().get(0);
    assertThat(script.delimiter()).isEqualTo("EOF");
    assertThat(script.content()).isEqualTo("apt-get update\napt-get install -y curl\n");
    assertThat(script.line()).isEqualTo(4);
    assertThat(script.expand()).isTrue();
    assertThat(instructions.get(0).endLine()).isEqualTo(6);

    Heredoc config = instructions.get(1).heredocs().get(0);
    assertThat(config.content()).isEqualTo("port = ${PORT}\n");
    assertThat(config.expand()).isFalse();
    assertThat(config.stripTabs()).isTrue();

    assertThat(instructions.get(2).heredocs())
        .extracting(Heredoc::delimiter, Heredoc::content, Heredoc::expand)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("one", "first\n", true),
            org.assertj.core.groups.Tuple.tuple("two", "second $HOME\n", false));
    assertThat(instructions.get(3).keyword()).isEqualTo("USER");
    assertThat(instructions.get(3).line()).isEqualTo(15);
  }

  @Test
  void ignoresHeredocMarkersInsideQuotesAndHereStrings() {
    Dockerfile dockerfile =
        DockerfileParser.parse("FROM bash\nRUN echo '<<EOF' && cat <<< word\n", "Dockerfile");

    assertThat(dockerfile.stages().get(0).instructions().get(0).heredocs()).isEmpty();
  }

  @Test
  void rejectsAnUnclosedHeredocNamingItsLine() {
    assertThatThrownBy(() -> DockerfileParser.parse("FROM a\nRUN <<EOF\necho\n", "web/Dockerfile"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("web/Dockerfile:2:")
        .hasMessageContaining("EOF");
  }

  @Test
  void rejectsAnUnknownInstruction() {
    String text = "FROM alpine\nRUN true\nCOPPY . /app\n";

    assertThatThrownBy(() -> DockerfileParser.parse(text, "web/Dockerfile"))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("web/Dockerfile");
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.reason()).contains("'COPPY'");
            });
  }

  @Test
  void rejectsAnInstructionOtherThanArgBeforeFrom() {
    assertThatThrownBy(() -> DockerfileParser.parse("ENV A=1\nFROM alpine\n", "Dockerfile"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile:1:")
        .hasMessageContaining("before the first FROM");
  }

  @Test
  void rejectsAFileWithoutFrom() {
    assertThatThrownBy(() -> DockerfileParser.parse("# only a comment\n", "Dockerfile"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("no FROM");
  }

  @Test
  void rejectsAnUnknownOption() {
    assertThatThrownBy(() -> DockerfileParser.parse("FROM a\nCOPY --owner=1 a b\n", "Dockerfile"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile:2:")
        .hasMessageContaining("--owner");
  }

  @Test
  void rejectsAMalformedFrom() {
    assertThatThrownBy(() -> DockerfileParser.parse("FROM alpine base\n", "Dockerfile"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("FROM [--platform=P] IMAGE [AS NAME]");
  }

  @Test
  void rejectsTwoStagesWithOneName() {
    String text = "FROM a AS x\nFROM b AS X\n";

    assertThatThrownBy(() -> DockerfileParser.parse(text, "Dockerfile"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile:2:")
        .hasMessageContaining("line 1");
  }

  @Test
  void rejectsAnInvalidEscapeDirective() {
    assertThatThrownBy(() -> DockerfileParser.parse("# escape=|\nFROM a\n", "Dockerfile"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("'|'");
  }

  @Test
  void rejectsAnInstructionWithoutArguments() {
    assertThatThrownBy(() -> DockerfileParser.parse("FROM a\nWORKDIR\n", "Dockerfile"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("WORKDIR needs arguments");
  }

  @Test
  void treatsMalformedJsonAsShellForm() {
    Dockerfile dockerfile = DockerfileParser.parse("FROM a\nCMD [\"a\", b]\n", "Dockerfile");

    assertThat(dockerfile.stages().get(0).instructions().get(0).isExecForm()).isFalse();
  }

  @Test
  void acceptsWindowsLineEndings() {
    Dockerfile dockerfile =
        DockerfileParser.parse("FROM a\r\nRUN one \\\r\n  two\r\nUSER x\r\n", "Dockerfile");

    assertThat(dockerfile.stages().get(0).instructions().get(1).line()).isEqualTo(4);
  }

  @Test
  void followsStageReferencesForTheDependencyChain() {
    String text =
        """
        FROM alpine AS unused
        RUN echo never built
        FROM golang AS build
        RUN go build
        FROM build AS test
        FROM scratch
        COPY --from=build /out /out
        """;

    Dockerfile dockerfile = DockerfileParser.parse(text, "Dockerfile");

    assertThat(dockerfile.dependencyChain(null)).extracting(Stage::index).containsExactly(1, 3);
    assertThat(dockerfile.dependencyChain("test")).extracting(Stage::index).containsExactly(1, 2);
  }

  @Test
  void rejectsATargetThatNamesNoStage() {
    Dockerfile dockerfile = DockerfileParser.parse("FROM a AS one\n", "Dockerfile");

    assertThatThrownBy(() -> dockerfile.targetStage("two"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("'two'")
        .hasMessageContaining("[one]");
  }
}
