package io.slipway.builder.platform;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OCI platform: operating system, CPU architecture and optional variant, as image indexes name
 * them ({@code linux/amd64}, {@code linux/arm64}, {@code linux/arm/v7}, {@code linux/arm/v6}).
 * Immutable.
 *
 * @param os the operating system, such as {@code linux}
 * @param architecture the OCI architecture, such as {@code amd64}, {@code arm64} or {@code arm}
 * @param variant the variant, such as {@code v7}, or null when the platform has none
 */
public record Platform(String os, String architecture, String variant) {

  private static final Pattern PART = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,31}");

  /** linux/amd64. */
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);

  /** linux/arm64. */
  public static final Platform LINUX_ARM64 = new Platform("linux", "arm64", null);

  /** linux/arm/v7. */
  public static final Platform LINUX_ARM_V7 = new Platform("linux", "arm", "v7");

  /** linux/arm/v6. */
  public static final Platform LINUX_ARM_V6 = new Platform("linux", "arm", "v6");

  /**
   * @throws IllegalArgumentException naming the part when the os, architecture or variant is not a
   *     lower-case word
   */
  public Platform {
    requirePart("operating system", os);
    requirePart("architecture", architecture);
    if (variant != null) {
      requirePart("variant", variant);
    }
  }

  /**
   * Parses {@code os/architecture} or {@code os/architecture/variant}.
   *
   * @throws IllegalArgumentException naming {@code text} when it has another form
   */
  public static Platform parse(String text) {
    String[] parts = text == null ? new String[0] : text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "Platform '"
              + text
              + "' is not of the form os/architecture[/variant]; write for example linux/arm64 or"
              + " linux/arm/v7");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** Returns the platform as {@code os/architecture[/variant]}. */
  @Override
  public String toString() {
    return variant == null ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }

  /**
   * Returns a form usable in tags and file names: {@code linux-arm-v7}. Distinct platforms give
   * distinct slugs.
   */
  public String slug() {
    return toString().replace('/', '-');
  }

  private static void requirePart(String what, String value) {
    Objects.requireNonNull(value, what);
    if (!PART.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "Platform "
              + what
              + " '"
              + value
              + "' is invalid: use lower-case letters, digits, '.', '_' or '-', such as linux,"
              + " arm64 or v7");
    }
  }
}
