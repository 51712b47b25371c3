package io.slipway.builder.pipeline;

import io.slipway.builder.platform.Platform;
import java.util.List;

/**
 * Receiver of a release's build log and outcome. The api implements it over its release service, so
 * the pipeline never changes releases directly.
 *
 * <p>Implementations must be safe for concurrent use: partitions of one release run on several
 * worker threads at once and each reports its own log lines. For one release, exactly one of {@link
 * #succeeded} and {@link #failed} is called, once, after every log line of that run.
 */
public interface ReleaseSink {

  /**
   * Appends one build log line to the release.
   *
   * @param releaseId the release being built
   * @param service the service the line belongs to, or null for a release-level line
   * @param platform the platform the line belongs to, or null when it is not about one platform
   * @param line the text, without its line break
   */
  void log(long releaseId, String service, Platform platform, String line);

  /**
   * Finishes the release as successful: every service's image index is in the registry.
   *
   * @param releaseId the release being built
   * @param services the built services, in the project's order
   */
  void succeeded(long releaseId, List<BuiltService> services);

  /**
   * Finishes the release as failed. Nothing of it may become a fleet's target. The reason is not
   * also sent through {@link #log}, so keep it with the release's log.
   *
   * @param releaseId the release being built
   * @param reason what failed: the file, line and reason for bad input, or the failing service and
   *     the tail of its log
   */
  void failed(long releaseId, String reason);
}
