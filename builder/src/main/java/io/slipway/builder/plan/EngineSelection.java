package io.slipway.builder.plan;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.Stage;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.platform.Platform;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks the engine for one service on one platform and checks that it can run the build there.
 *
 * <p>With {@link EngineChoice#AUTO}: Jib when no stage the build needs has {@code RUN}; otherwise
 * BuildKit when configured, else the Docker engine when configured, else an error naming the first
 * {@code RUN}. A forced choice is used as is, and fails when that engine is not configured or (for
 * Jib) the build needs {@code RUN}. A Dockerfile picked for the Docker engine must not use syntax
 * that only BuildKit understands (see {@link ClassicBuilderSyntax}), and no engine gets a feature
 * that would reach beyond the build's own inputs (see {@link SharedEngineRules}). A stage that runs
 * commands for a platform this host can neither run natively nor emulate fails too. {@code ONBUILD}
 * triggers of base images are not seen here. Immutable and safe for concurrent use.
 */
final class EngineSelection {

  private final AvailableEngines engines;
  private final EmulatorCheck emulators;

  EngineSelection(AvailableEngines engines, EmulatorCheck emulators) {
    this.engines = Objects.requireNonNull(engines, "engines");
    this.emulators = Objects.requireNonNull(emulators, "emulators");
  }

  /**
   * Returns the engine name for building {@code chain} of {@code service} for {@code platform}.
   *
   * @throws BuildInputException naming the Dockerfile, the line of the first {@code RUN} and what
   *     to configure
   */
  String pick(
      String service,
      Dockerfile dockerfile,
      VariableScope scope,
      List<Stage> chain,
      Platform platform,
      EngineChoice choice) {
    Optional<Stage> runStage = chain.stream().filter(s -> s.firstRun().isPresent()).findFirst();
    SharedEngineRules.check(service, dockerfile);
    String engine = engine(service, dockerfile, runStage, choice);
    if (engine.equals(EngineChoice.DOCKER.engineName())) {
      ClassicBuilderSyntax.check(service, dockerfile);
    }
    if (runStage.isPresent()) {
      checkEmulation(dockerfile, scope, chain, platform, engine);
    }
    return engine;
  }

  private String engine(
      String service, Dockerfile dockerfile, Optional<Stage> runStage, EngineChoice choice) {
    switch (choice) {
      case JIB -> {
        if (runStage.isPresent()) {
          throw needsRunEngine(
              service,
              dockerfile,
              runStage.get(),
              "the engine is forced to jib, which cannot run commands",
              " and choose the engine auto, docker or buildkit");
        }
        return "jib";
      }
      case DOCKER, BUILDKIT -> {
        if (!engines.has(choice)) {
          throw new BuildInputException(
              dockerfile.fileName(),
              0,
              "the engine is forced to "
                  + choice.engineName()
                  + " for service "
                  + service
                  + ", but it is not configured; set "
                  + (choice == EngineChoice.DOCKER
                      ? "slipway.builder.docker.host"
                      : "slipway.builder.buildkit.address")
                  + " or choose another engine");
        }
        return choice.engineName();
      }
      default -> {
        if (runStage.isEmpty()) {
          return "jib";
        }
        if (engines.buildkit()) {
          return "buildkit";
        }
        if (engines.docker()) {
          return "docker";
        }
        throw needsRunEngine(
            service, dockerfile, runStage.get(), "no engine that runs commands is configured", "");
      }
    }
  }

  private static BuildInputException needsRunEngine(
      String service, Dockerfile dockerfile, Stage stage, String problem, String more) {
    Instruction run = stage.firstRun().orElseThrow();
    return new BuildInputException(
        dockerfile.fileName(),
        run.line(),
        "service "
            + service
            + " stage "
            + stage.label()
            + " line "
            + run.line()
            + " uses RUN, but "
            + problem
            + "; configure slipway.builder.docker.host or slipway.builder.buildkit.address"
            + more);
  }

  private void checkEmulation(
      Dockerfile dockerfile,
      VariableScope scope,
      List<Stage> chain,
      Platform target,
      String engine) {
    for (Stage stage : chain) {
      Optional<Instruction> run = stage.firstRun();
      if (run.isEmpty()) {
        continue;
      }
      Platform platform = stagePlatform(dockerfile, scope, stage, target);
      if (!emulators.canRun(platform)) {
        throw new BuildInputException(
            dockerfile.fileName(),
            run.get().line(),
            "stage "
                + stage.label()
                + " runs RUN for "
                + platform
                + " on the "
                + engine
                + " engine, but this host has no emulator registered for that platform; register"
                + " qemu-user-static in binfmt_misc, or drop the device types of "
                + platform);
      }
    }
  }

  /** Returns the platform a stage runs on: its {@code --platform} when given, else the target. */
  static Platform stagePlatform(
      Dockerfile dockerfile, VariableScope scope, Stage stage, Platform target) {
    String written = scope.platform(stage);
    if (written == null || written.isEmpty()) {
      return target;
    }
    try {
      return Platform.parse(written);
    } catch (IllegalArgumentException e) {
      throw new BuildInputException(
          dockerfile.fileName(),
          stage.line(),
          "FROM --platform=" + stage.platform() + " is invalid: " + e.getMessage());
    }
  }
}
