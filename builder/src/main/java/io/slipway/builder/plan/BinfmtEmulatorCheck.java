package io.slipway.builder.plan;

import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from Linux's {@code binfmt_misc} whether this host can run a platform's programs: the
 * host's own architecture runs natively (an amd64 host also runs 386, an arm64 host also runs arm),
 * and any other needs its QEMU entry ({@code qemu-aarch64}, {@code qemu-arm}, {@code qemu-x86_64},
 * {@code qemu-i386}) registered, {@code enabled} and with the {@code F} flag. Reads the files on
 * each call, so an emulator registered later is seen; safe for concurrent use.
 */
public final class BinfmtEmulatorCheck implements EmulatorCheck {

  /** The directory of Linux's registered interpreters, one file each. */
  public static final Path BINFMT_MISC = Path.of("/proc/sys/fs/binfmt_misc");

  private static final Map<String, String> EMULATORS =
      Map.of(
          "arm64", "qemu-aarch64",
          "arm", "qemu-arm",
          "amd64", "qemu-x86_64",
          "386", "qemu-i386");

  private static final Map<String, List<String>> NATIVE =
      Map.of(
          "amd64", List.of("amd64", "386"),
          "arm64", List.of("arm64", "arm"),
          "arm", List.of("arm"));

  private final Path binfmtMisc;
  private final String hostArchitecture;

  /** Checks this machine. */
  public BinfmtEmulatorCheck() {
    this(BINFMT_MISC, hostArchitecture());
  }

  /**
   * Checks a given {@code binfmt_misc} directory for a host of the given OCI architecture.
   *
   * @param binfmtMisc the directory holding one file per registered interpreter
   * @param hostArchitecture the host's OCI architecture, such as {@code amd64}
   */
  public BinfmtEmulatorCheck(Path binfmtMisc, String hostArchitecture) {
    this.binfmtMisc = Objects.requireNonNull(binfmtMisc, "binfmtMisc");
    this.hostArchitecture = Objects.requireNonNull(hostArchitecture, "hostArchitecture");
  }

  @Override
  public boolean canRun(Platform platform) {
    String architecture = platform.architecture();
    if (NATIVE.getOrDefault(hostArchitecture, List.of(hostArchitecture)).contains(architecture)) {
      return true;
    }
    String emulator = EMULATORS.get(architecture);
    return emulator != null && enabled(binfmtMisc.resolve(emulator));
  }

  /**
   * Returns true when the entry is enabled and has the F flag. Without F the kernel looks for the
   * interpreter inside each container, where it does not exist, so a RUN step would fail.
   */
  private static boolean enabled(Path entry) {
    try {
      List<String> lines = Files.readAllLines(entry, StandardCharsets.UTF_8);
      boolean fixBinary =
          lines.stream().anyMatch(line -> line.startsWith("flags:") && line.contains("F"));
      return !lines.isEmpty() && lines.get(0).strip().equals("enabled") && fixBinary;
    } catch (IOException missing) {
      return false;
    }
  }

  /** Returns the JVM's architecture as OCI names it. */
  static String hostArchitecture() {
    String arch = System.getProperty("os.arch", "");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> arch.startsWith("arm") ? "arm" : arch;
    };
  }
}
