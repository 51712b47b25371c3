package io.slipway.builder.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.platform.Platform;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VariableScopeTest {

  private static VariableScope scope(String text, Map<String, String> buildArgs) {
    return VariableScope.of(
        DockerfileParser.parse(text, "Dockerfile"), buildArgs, Platform.LINUX_ARM64);
  }

  @Test
  void expandsGlobalArgsInFrom() {
    VariableScope scope =
        scope("ARG BASE=alpine\nARG TAG=3.20\nFROM ${BASE}:${TAG} AS app\n", Map.of());

    Stage stage = scope.dockerfileStage(0);
    assertThat(scope.baseImage(stage)).isEqualTo("alpine:3.20");
  }

  @Test
  void letsABuildArgumentOverrideAGlobalDefault() {
    VariableScope scope = scope("ARG TAG=3.20\nFROM alpine:$TAG\n", Map.of("TAG", "3.19"));

    assertThat(scope.baseImage(scope.dockerfileStage(0))).isEqualTo("alpine:3.19");
  }

  @Test
  void definesTheAutomaticPlatformArgsForFrom() {
    VariableScope scope = scope("FROM --platform=$TARGETPLATFORM busybox-$TARGETARCH\n", Map.of());

    Stage stage = scope.dockerfileStage(0);
    assertThat(scope.baseImage(stage)).isEqualTo("busybox-arm64");
    assertThat(scope.platform(stage)).isEqualTo("linux/arm64");
  }

  @Test
  void rejectsAnUndeclaredArgInFrom() {
    assertThatThrownBy(() -> scope("FROM alpine\nFROM node:${NODE_VERSION}\n", Map.of()))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).contains("undefined ARG 'NODE_VERSION'");
            });
  }

  @Test
  void rejectsAFromThatExpandsToNothing() {
    assertThatThrownBy(() -> scope("ARG BASE\nFROM $BASE\n", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("empty image name");
  }

  @Test
  void givesARedeclaredArgTheGlobalValue() {
    VariableScope scope =
        scope("ARG VERSION=1.2\nFROM alpine\nARG VERSION\nLABEL v=$VERSION\n", Map.of());

    Instruction label = scope.dockerfileStage(0).instructions().get(1);
    assertThat(scope.variablesBefore(label)).containsEntry("VERSION", "1.2");
  }

  @Test
  void rejectsAGlobalArgUsedInAStageWithoutRedeclaring() {
    String text = "ARG VERSION=1.2\nFROM alpine\nLABEL version=$VERSION\n";

    assertThatThrownBy(() -> scope(text, Map.of()))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.reason()).contains("'VERSION'").contains("ARG VERSION");
            });
  }

  @Test
  void rejectsAnUndefinedVariableInAStageFromScratch() {
    assertThatThrownBy(() -> scope("FROM scratch\nCOPY app /bin/$APP_NAME\n", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile:2:")
        .hasMessageContaining("'APP_NAME'");
  }

  @Test
  void acceptsNamesAnExternalBaseImageMaySet() {
    VariableScope scope = scope("FROM debian\nENV PATH=$PATH:/opt/bin\nWORKDIR $HOME\n", Map.of());

    Stage stage = scope.dockerfileStage(0);
    assertThat(scope.environment(stage)).containsEntry("PATH", ":/opt/bin");
  }

  @Test
  void acceptsAnUndefinedNameWithADefault() {
    VariableScope scope = scope("FROM scratch\nWORKDIR ${APP_DIR:-/app}\n", Map.of());

    assertThat(scope.dockerfileStage(0).instructions()).hasSize(1);
  }

  @Test
  void doesNotExpandRunCommands() {
    VariableScope scope = scope("FROM scratch\nRUN for f in *; do echo $f; done\n", Map.of());

    assertThat(scope.dockerfileStage(0).instructions()).hasSize(1);
  }

  @Test
  void inheritsEnvFromAParentStageButNotArgs() {
    String text =
        """
        FROM scratch AS base
        ARG LEVEL=1
        ENV HOME_DIR=/srv
        FROM base
        WORKDIR $HOME_DIR
        COPY a /$LEVEL
        """;

    assertThatThrownBy(() -> scope(text, Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile:6:")
        .hasMessageContaining("'LEVEL'");
  }

  @Test
  void readsEnvBeforeTheInstructionForEachPair() {
    String text = "FROM scratch\nENV A=one\nENV A=two B=$A\nLABEL x=y\n";

    VariableScope scope = scope(text, Map.of());

    assertThat(scope.environment(scope.dockerfileStage(0))).containsEntry("B", "one");
  }

  @Test
  void readsTheLegacyEnvForm() {
    VariableScope scope = scope("FROM scratch\nENV GREETING hello world\n", Map.of());

    assertThat(scope.environment(scope.dockerfileStage(0)))
        .containsEntry("GREETING", "hello world");
  }

  @Test
  void letsEnvWinOverArg() {
    String text = "FROM scratch\nARG MODE=arg\nENV MODE=env\nLABEL mode=$MODE\n";

    VariableScope scope = scope(text, Map.of());

    Instruction label = scope.dockerfileStage(0).instructions().get(2);
    assertThat(scope.expand(label, "$MODE")).isEqualTo("env");
  }

  @Test
  void followsStageReferencesWithVariables() {
    String text =
        """
        FROM alpine AS build
        FROM alpine AS unused
        FROM scratch
        ARG SOURCE=build
        COPY --from=${SOURCE} /out /out
        """;

    VariableScope scope = scope(text, Map.of());

    assertThat(scope.dependencyChain(null)).extracting(Stage::index).containsExactly(0, 2);
  }

  @Test
  void checksCopyOptions() {
    assertThatThrownBy(() -> scope("FROM scratch\nCOPY --chown=$OWNER a /a\n", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("'OWNER'");
  }
}
