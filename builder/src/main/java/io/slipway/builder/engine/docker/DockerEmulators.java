package io.slipway.builder.engine.docker;

import io.slipway.builder.EngineException;
import io.slipway.builder.plan.EmulatorCheck;
import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Tells whether a Docker engine can execute {@code RUN} instructions for a platform: natively, when
 * the platform is the engine's own architecture, or through qemu-user-static registered in the
 * binfmt_misc table of the engine's host.
 *
 * <p>An emulator counts only when binfmt_misc is enabled, the entry for the architecture ({@code
 * qemu-aarch64}, {@code qemu-arm}, ...) is enabled, and the entry has the {@code F} flag. With
 * {@code F} the kernel opens the interpreter when the entry is registered. Without it the kernel
 * looks for the interpreter's path inside each container, where it does not exist, so the {@code
 * RUN} fails.
 *
 * <p>The table is this machine's, so it is read only when the engine is local (see {@link
 * DockerSettings#isLocal}). For a remote engine only its own architecture is known, and every other
 * Linux platform is assumed to run. The build itself then fails if it does not. The table is read
 * again on each call, so an emulator registered later counts. Immutable and thread-safe.
 */
public final class DockerEmulators implements EmulatorCheck {

  /** The mount point of the binfmt_misc table on Linux. */
  public static final Path BINFMT_MISC = Path.of("/proc/sys/fs/binfmt_misc");

  /** The binfmt_misc entry names qemu-user-static registers, by OCI architecture. */
  private static final Map<String, String> QEMU_ENTRIES =
      Map.of(
          "amd64", "qemu-x86_64",
          "arm64", "qemu-aarch64",
          "arm", "qemu-arm",
          "386", "qemu-i386",
          "riscv64", "qemu-riscv64",
          "ppc64le", "qemu-ppc64le",
          "s390x", "qemu-s390x");

  /** The OCI architectures a kernel of each {@code uname -m} machine runs without emulation. */
  private static final Map<String, Set<String>> NATIVE =
      Map.of(
          "x86_64", Set.of("amd64", "386"),
          // NOTE: arm on an arm64 engine counts as native. Most 64-bit ARM processors run 32-bit
          // arm code, but some, such as Apple's M1, do not.
          "aarch64", Set.of("arm64", "arm"),
          "armv7l", Set.of("arm"),
          "armv6l", Set.of("arm"),
          "riscv64", Set.of("riscv64"),
          "ppc64le", Set.of("ppc64le"),
          "s390x", Set.of("s390x"));

  private final String engineMachine;
  private final Path binfmtMisc;
  private final boolean local;

  /**
   * @param engineMachine the engine host's machine name as {@code uname -m} and the engine's info
   *     report it, such as {@code x86_64} or {@code aarch64}
   * @param binfmtMisc the binfmt_misc directory to read, normally {@link #BINFMT_MISC}
   * @param local true when the engine runs on this machine, so that {@code binfmtMisc} is its table
   */
  public DockerEmulators(String engineMachine, Path binfmtMisc, boolean local) {
    this.engineMachine = Objects.requireNonNull(engineMachine, "engineMachine");
    this.binfmtMisc = Objects.requireNonNull(binfmtMisc, "binfmtMisc");
    this.local = local;
  }

  /**
   * Returns the check for {@code engine}, asking the engine for its architecture once.
   *
   * @throws EngineException when the engine cannot be reached
   */
  public static DockerEmulators of(DockerEngine engine) {
    String machine;
    try {
      machine = engine.client().infoCmd().exec().getArchitecture();
    } catch (RuntimeException e) {
      throw new EngineException(
          "Docker engine at "
              + engine.settings().host()
              + " did not report its architecture: "
              + e.getMessage()
              + ". Check that the engine runs and that this user may use its socket",
          e);
    }
    return new DockerEmulators(
        machine == null ? "" : machine, BINFMT_MISC, engine.settings().isLocal());
  }

  @Override
  public boolean canRun(Platform platform) {
    return problem(platform).isEmpty();
  }

  /**
   * Returns why a {@code RUN} for {@code platform} cannot execute on the engine, with what to do,
   * or empty when it can.
   */
  public Optional<String> problem(Platform platform) {
    if (!platform.os().equals("linux")) {
      return Optional.of("The Docker engine runs Linux containers only, not " + platform);
    }
    if (NATIVE.getOrDefault(engineMachine, Set.of()).contains(platform.architecture())) {
      return Optional.empty();
    }
    if (!local) {
      return Optional.empty();
    }

    String entry = QEMU_ENTRIES.get(platform.architecture());
    if (entry == null) {
      return Optional.of(
          "No emulator is known for "
              + platform
              + " on a "
              + engineMachine
              + " Docker engine; build it on an engine of that architecture");
    }
    return entryProblem(platform, entry);
  }

  private Optional<String> entryProblem(Platform platform, String entry) {
    String fix =
        ": install qemu-user-static and binfmt-support on the Docker engine's host, then run"
            + " `update-binfmts --enable "
            + entry
            + "`";
    List<String> status = read(binfmtMisc.resolve("status"));
    if (status.isEmpty() || !status.get(0).equals("enabled")) {
      return Optional.of(
          "binfmt_misc is not mounted or not enabled at "
              + binfmtMisc
              + ", so "
              + platform
              + " programs cannot run"
              + fix);
    }

    List<String> lines = read(binfmtMisc.resolve(entry));
    if (lines.isEmpty()) {
      return Optional.of(
          "No binfmt_misc entry "
              + entry
              + " is registered, so "
              + platform
              + " programs cannot run"
              + fix);
    }
    if (!lines.get(0).equals("enabled")) {
      return Optional.of("The binfmt_misc entry " + entry + " is disabled" + fix);
    }
    boolean fixBinary =
        lines.stream().anyMatch(line -> line.startsWith("flags:") && line.contains("F"));
    if (!fixBinary) {
      return Optional.of(
          "The binfmt_misc entry "
              + entry
              + " lacks the F flag, so containers cannot find its interpreter: re-register it"
              + " with the F flag, as Debian's qemu-user-static package does");
    }
    return Optional.empty();
  }

  /** Returns the file's lines, or none when it does not exist or cannot be read. */
  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file).stream().map(String::strip).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
