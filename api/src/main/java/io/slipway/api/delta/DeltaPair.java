package io.slipway.api.delta;

import io.slipway.delta.image.Digest;
import java.util.Objects;

/**
 * The two platform manifests a delta connects. Immutable.
 *
 * @param source the manifest the device runs
 * @param target the manifest it should run next
 */
public record DeltaPair(Digest source, Digest target) {

  /**
   * @throws IllegalArgumentException naming the digest when source and target are equal
   */
  public DeltaPair {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    if (source.equals(target)) {
      throw new IllegalArgumentException(
          "A delta from " + source + " to itself is empty: the device already runs the target");
    }
  }

  @Override
  public String toString() {
    return source + " -> " + target;
  }
}
