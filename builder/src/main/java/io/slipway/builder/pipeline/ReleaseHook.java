package io.slipway.builder.pipeline;

import io.slipway.builder.BuildLog;
import java.util.List;

/**
 * A step that runs after every service's image index is pushed and before the release is finished,
 * such as signing or computing deltas. A hook that throws fails the release with its message.
 *
 * <p>Hooks run one after another on one thread. One instance may serve several releases at once, so
 * implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface ReleaseHook {

  /**
   * Acts on the pushed services of a release.
   *
   * @param releaseId the release being built
   * @param services the pushed services, in the project's order
   * @param log the release-level build log
   */
  void afterPush(long releaseId, List<BuiltService> services, BuildLog log);
}
