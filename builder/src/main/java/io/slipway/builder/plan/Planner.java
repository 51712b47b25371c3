package io.slipway.builder.plan;

import io.slipway.builder.project.Project;
import java.util.List;
import java.util.Objects;

/**
 * Turns a project and the device types of a release into a {@link BuildPlan}, running every
 * preflight check first. Work in progress.
 */
public final class Planner {

  private final String registry;
  private final BaseImageResolver baseImages;
  private final AvailableEngines engines;
  private final EmulatorCheck emulators;

  /**
   * @param registry the Slipway registry as {@code host:port}; image names without a registry host
   *     resolve against it
   * @param baseImages pins FROM images per platform; null leaves them as written (dry run)
   * @param engines the engines able to run commands that are configured
   * @param emulators says which foreign platforms can run commands here
   */
  public Planner(
      String registry,
      BaseImageResolver baseImages,
      AvailableEngines engines,
      EmulatorCheck emulators) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.baseImages = baseImages;
    this.engines = Objects.requireNonNull(engines, "engines");
    this.emulators = Objects.requireNonNull(emulators, "emulators");
  }

  /**
   * Plans the build of {@code project} for {@code targets}.
   *
   * @throws io.slipway.builder.BuildInputException for any bad input, naming file, line and reason
   */
  public BuildPlan plan(Project project, List<BuildTarget> targets, EngineChoice choice) {
    throw new UnsupportedOperationException(
        "planning is not written yet " + registry + baseImages + engines + emulators + choice);
  }
}
