package io.slipway.builder.plan;

import io.slipway.builder.platform.Platform;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One device type a release is built for: its slug, its Slipway architecture name and the OCI
 * platform its images run on. Several device types may share a platform (two arm64 boards); the
 * planner builds each distinct platform once per service. Immutable.
 *
 * @param deviceType the device type slug, such as {@code raspberrypi4-64}
 * @param architecture the Slipway architecture name: {@code amd64}, {@code aarch64}, {@code
 *     armv7hf}, {@code rpi} or {@code i386}
 * @param platform the OCI platform, such as {@code linux/arm64}
 */
public record BuildTarget(String deviceType, String architecture, Platform platform) {

  /** The Slipway architecture names, as templates name them in {@code Dockerfile.<arch>}. */
  public static final Set<String> ARCHITECTURES =
      Set.of("amd64", "aarch64", "armv7hf", "rpi", "i386");

  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /**
   * @throws IllegalArgumentException naming the value when the device type is not a lower-case slug
   *     or the architecture is not one of {@link #ARCHITECTURES}
   */
  public BuildTarget {
    Objects.requireNonNull(platform, "platform");
    if (deviceType == null || !SLUG.matcher(deviceType).matches()) {
      throw new IllegalArgumentException(
          "Device type '"
              + deviceType
              + "' is invalid: use a lower-case slug such as raspberrypi4-64");
    }
    if (!ARCHITECTURES.contains(architecture)) {
      throw new IllegalArgumentException(
          "Architecture '"
              + architecture
              + "' of device type "
              + deviceType
              + " is unknown: use one of amd64, aarch64, armv7hf, rpi, i386");
    }
  }
}
