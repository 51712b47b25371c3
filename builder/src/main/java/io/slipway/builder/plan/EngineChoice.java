package io.slipway.builder.plan;

import java.util.Locale;

/**
 * The engine setting of the planner. {@link #AUTO} picks per service: Jib when no stage the build
 * needs has {@code RUN}, else BuildKit when configured, else the Docker engine. The others force
 * that engine for every service.
 */
public enum EngineChoice {
  AUTO,
  JIB,
  DOCKER,
  BUILDKIT;

  /** Returns the engine name as {@link io.slipway.builder.BuildEngine#name()} spells it. */
  public String engineName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code auto}, {@code jib}, {@code docker} or {@code buildkit}, without case.
   *
   * @throws IllegalArgumentException naming {@code text} and the accepted values otherwise
   */
  public static EngineChoice parse(String text) {
    for (EngineChoice choice : values()) {
      if (choice.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
        return choice;
      }
    }
    throw new IllegalArgumentException(
        "Engine '" + text + "' is unknown: use auto, jib, docker or buildkit");
  }
}
