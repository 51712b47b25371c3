package io.slipway.builder.pipeline;

import io.slipway.builder.plan.BaseImageResolver;
import io.slipway.builder.plan.BuildPlan;

/**
 * Loads the project of a build order and plans its partitions, running every preflight check.
 * Implemented by {@link ProjectPlanner}. Implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface ReleasePlanner {

  /**
   * Plans {@code order}.
   *
   * @param baseImages pins base images with the release's credentials
   * @throws io.slipway.builder.BuildInputException for any bad input, naming file, line and reason
   */
  BuildPlan plan(BuildOrder order, BaseImageResolver baseImages);
}
