package io.slipway.api.deploy;

import io.slipway.builder.platform.Platform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Picks the image manifest a device of one platform runs, the way container engines do: the same
 * operating system and architecture, and a variant the device accepts. {@code arm64} with or
 * without variant {@code v8} is one platform. A {@code linux/arm/v7} device takes a {@code v7}
 * manifest, else a {@code v6} one, which it can run too. Other platforms need their variant
 * exactly. Stateless.
 */
public final class PlatformMatcher {

  private PlatformMatcher() {}

  /**
   * Returns the variants that satisfy {@code wanted}, best first. A null element means no variant.
   */
  static List<String> acceptedVariants(Platform wanted) {
    if (wanted.architecture().equals("arm64")
        && (wanted.variant() == null || wanted.variant().equals("v8"))) {
      return Arrays.asList(null, "v8");
    }
    if (wanted.architecture().equals("arm") && "v7".equals(wanted.variant())) {
      return List.of("v7", "v6");
    }
    return Arrays.asList(wanted.variant());
  }

  /**
   * Returns the first of {@code offered} that a device of platform {@code wanted} runs, preferring
   * its own variant over a compatible one. Returns empty when none fits.
   *
   * @param platformOf the platform of an offered element
   */
  public static <T> Optional<T> choose(
      Platform wanted, List<T> offered, Function<T, Platform> platformOf) {
    for (String variant : acceptedVariants(wanted)) {
      for (T candidate : offered) {
        Platform platform = platformOf.apply(candidate);
        if (platform.os().equals(wanted.os())
            && platform.architecture().equals(wanted.architecture())
            && Objects.equals(platform.variant(), variant)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** Returns the platforms in {@code offered}, as text, for messages. */
  public static <T> List<String> describe(List<T> offered, Function<T, Platform> platformOf) {
    List<String> names = new ArrayList<>();
    for (T candidate : offered) {
      names.add(platformOf.apply(candidate).toString());
    }
    return names;
  }
}
