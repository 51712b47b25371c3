package io.slipway.api.fleet;

import java.util.Objects;
import java.util.Set;

/**
 * A CPU architecture as Slipway names it, with the OCI platform of its images.
 *
 * @param name Slipway's name, such as {@code aarch64}, {@code armv7hf} or {@code amd64}
 * @param platform the OCI platform of images built for it, such as {@code linux/arm64}
 * @param runs the architectures whose images a device of this architecture can run, itself included
 */
public record Architecture(String name, String platform, Set<String> runs) {

  public Architecture {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(platform, "platform");
    runs = runs == null ? Set.of(name) : Set.copyOf(runs);
    if (!runs.contains(name)) {
      throw new IllegalArgumentException(
          "Architecture '" + name + "' must list itself among the architectures it runs");
    }
  }

  /** Returns true when a device of this architecture can run images built for {@code other}. */
  public boolean canRun(Architecture other) {
    return runs.contains(other.name());
  }
}
