package io.slipway.builder.plan;

/**
 * The configured engines of this server that can run {@code RUN}. Jib is always available.
 * Immutable.
 *
 * @param buildkit true when {@code slipway.builder.buildkit.address} is set
 * @param docker true when a Docker engine is reachable at {@code slipway.builder.docker.host}
 */
public record AvailableEngines(boolean buildkit, boolean docker) {

  /** Only Jib: no engine can run commands. */
  public static final AvailableEngines JIB_ONLY = new AvailableEngines(false, false);

  /** Returns true when an engine named by {@code choice} can be used. */
  public boolean has(EngineChoice choice) {
    return switch (choice) {
      case AUTO, JIB -> true;
      case BUILDKIT -> buildkit;
      case DOCKER -> docker;
    };
  }
}
