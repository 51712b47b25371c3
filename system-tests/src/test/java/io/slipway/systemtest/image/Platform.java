package io.slipway.systemtest.image;

/**
 * The platform an image runs on, in OCI terms.
 *
 * @param os the operating system, such as {@code linux}
 * @param architecture the CPU architecture in Go's terms, such as {@code amd64} or {@code arm64}
 */
public record Platform(String os, String architecture) {

  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64");
  public static final Platform LINUX_ARM64 = new Platform("linux", "arm64");

  public Platform {
    if (os == null || os.isBlank() || architecture == null || architecture.isBlank()) {
      throw new IllegalArgumentException(
          "A platform needs an os and an architecture, got '" + os + "/" + architecture + "'");
    }
  }

  @Override
  public String toString() {
    return os + "/" + architecture;
  }
}
