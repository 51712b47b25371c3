package io.slipway.agent.engine;

import java.util.Locale;

/**
 * The way a service moves to a new image, read from its {@code io.slipway.update.strategy} label
 * (balena's {@code io.balena.update.strategy} is read too).
 */
public enum UpdateStrategy {
  /** Download and verify the new image first, then stop the old container (the default). */
  DOWNLOAD_THEN_KILL,
  /** Stop the old container first, then download; for devices short of disk space. */
  KILL_THEN_DOWNLOAD;

  /**
   * Parses the label value, such as {@code download-then-kill}; null means the default.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static UpdateStrategy parse(String label) {
    if (label == null) {
      return DOWNLOAD_THEN_KILL;
    }
    for (UpdateStrategy strategy : values()) {
      if (strategy.label().equals(label)) {
        return strategy;
      }
    }
    throw new IllegalArgumentException(
        "Update strategy '" + label + "' is unknown: use download-then-kill or kill-then-download");
  }

  /** Returns the label form, such as {@code download-then-kill}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
