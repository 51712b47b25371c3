package io.slipway.builder;

/**
 * Builds one service of a project into an image for one platform and pushes its manifest to the
 * registry. Jib, a Docker engine and BuildKit implement this interface. The pipeline picks one per
 * service and assembles the per-platform manifests into an image index itself.
 *
 * <p>Implementations are safe for concurrent use: the pipeline calls {@link #build} for several
 * partitions (service and platform) at once.
 */
public interface BuildEngine {

  /** Returns the engine's stable name: {@code jib}, {@code docker} or {@code buildkit}. */
  String name();

  /** Returns true when this engine can execute {@code RUN} instructions. */
  boolean runsCommands();

  /**
   * Builds {@code request} and pushes the resulting manifest by digest and under the request's tag.
   * Each line the engine reports goes to {@code log} as it arrives.
   *
   * @return the pushed manifest
   * @throws BuildInputException when the input is at fault (naming the file, line and reason)
   * @throws EngineException when the engine fails or cannot be reached
   */
  BuildResult build(BuildRequest request, BuildLog log);
}
