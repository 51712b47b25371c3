package io.slipway.builder.pipeline;

import io.slipway.builder.plan.AvailableEngines;
import io.slipway.builder.plan.BaseImageResolver;
import io.slipway.builder.plan.BuildPlan;
import io.slipway.builder.plan.EmulatorCheck;
import io.slipway.builder.plan.Planner;
import io.slipway.builder.project.Project;
import java.util.Objects;

/**
 * Plans a build order with {@link Project#load} and {@link Planner}. Immutable and safe for
 * concurrent use.
 */
public final class ProjectPlanner implements ReleasePlanner {

  private final String registry;
  private final AvailableEngines engines;
  private final EmulatorCheck emulators;

  /**
   * @param registry the Slipway registry as {@code host:port}
   * @param engines the engines able to run commands that are configured
   * @param emulators the check for which foreign platforms can run commands here
   */
  public ProjectPlanner(String registry, AvailableEngines engines, EmulatorCheck emulators) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.engines = Objects.requireNonNull(engines, "engines");
    this.emulators = Objects.requireNonNull(emulators, "emulators");
  }

  @Override
  public BuildPlan plan(BuildOrder order, BaseImageResolver baseImages) {
    Project project = Project.load(order.source());
    Planner planner = new Planner(registry, baseImages, engines, emulators);
    return planner.plan(project, order.targets(), order.engine());
  }
}
