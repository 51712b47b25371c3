package io.slipway.builder.pipeline;

/**
 * Builds releases from source: resolves the project, builds every service for every target
 * platform, pushes one image index per service, runs the release hooks and reports the outcome to
 * the {@link ReleaseSink}. Implemented by {@code SpringBatchReleasePipeline}.
 *
 * <p>Implementations are safe for concurrent use; several releases may build at once.
 */
public interface ReleasePipeline {

  /**
   * Launches the build of {@code order} and returns without waiting for it. Its outcome reaches the
   * {@link ReleaseSink}, bad input included.
   *
   * @return the id of the job execution that builds the release
   * @throws PipelineException when the build cannot be launched, such as when one is already
   *     running for the same release
   */
  long start(BuildOrder order);

  /**
   * Finds builds that a process which has since died left running, marks them failed and restarts
   * each from where it stopped: partitions that had finished are not built again. Call once at
   * startup, before any new build starts.
   *
   * @return the number of builds restarted
   */
  int recoverInterrupted();
}
