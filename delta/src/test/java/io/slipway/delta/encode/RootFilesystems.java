package io.slipway.delta.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Makes small root filesystems from real binaries of the running JDK, and tars of them with GNU
 * tar, for encoder tests.
 */
final class RootFilesystems {

  static final List<String> LIBRARIES =
      List.of("libjava.so", "libnet.so", "libnio.so", "libzip.so", "libverify.so", "libjimage.so");

  private RootFilesystems() {}

  /** Fills {@code root} with JDK libraries, the java launcher, a versioned library and text. */
  static void makeBase(Path root) throws IOException {
    Path lib = Files.createDirectories(root.resolve("usr/lib"));
    Path jdkLib = Path.of(System.getProperty("java.home"), "lib");
    for (String library : LIBRARIES) {
      Files.copy(jdkLib.resolve(library), lib.resolve(library));
    }
    Files.createDirectories(root.resolve("usr/bin"));
    Files.copy(
        Path.of(System.getProperty("java.home"), "bin", "java"), root.resolve("usr/bin/java"));
    Files.copy(jdkLib.resolve("libjli.so"), lib.resolve("libexample.so.1.2.3"));
    Path etc = Files.createDirectories(root.resolve("etc"));
    Files.writeString(etc.resolve("hostname"), "device\n");
    Files.writeString(etc.resolve("services"), services(1));
    Files.createSymbolicLink(lib.resolve("libexample.so.1"), Path.of("libexample.so.1.2.3"));
  }

  /**
   * Changes {@code root} as an upgrade would: one library rebuilt (bytes changed and shifted), one
   * renamed, the versioned library replaced by its next version, a text file edited.
   */
  static void upgrade(Path root) throws IOException {
    Path lib = root.resolve("usr/lib");
    Path java = lib.resolve("libjava.so");
    Files.write(java, rebuild(Files.readAllBytes(java), new Random(5)));
    Files.move(lib.resolve("libnet.so"), lib.resolve("libnet-renamed.so"));
    byte[] example = Files.readAllBytes(lib.resolve("libexample.so.1.2.3"));
    Files.delete(lib.resolve("libexample.so.1.2.3"));
    Files.write(lib.resolve("libexample.so.1.2.4"), rebuild(example, new Random(6)));
    Files.delete(lib.resolve("libexample.so.1"));
    Files.createSymbolicLink(lib.resolve("libexample.so.1"), Path.of("libexample.so.1.2.4"));
    Files.writeString(root.resolve("etc/services"), services(2));
  }

  /** Fills {@code root} with a text file that no file of {@link #makeBase} matches. */
  static void makeUnrelated(Path root) throws IOException {
    Path data = Files.createDirectories(root.resolve("opt/unrelated"));
    Files.writeString(data.resolve("notes.txt"), services(3));
  }

  /** Fills {@code root} as {@link #makeBase} does, then applies {@link #upgrade}. */
  static void upgradedBase(Path root) throws IOException {
    makeBase(root);
    upgrade(root);
  }

  /**
   * Tars {@code root} in name order, or reverse name order, with every mtime set to {@code mtime}.
   */
  static Path tar(Path root, Path tar, String mtime, boolean reverseOrder)
      throws IOException, InterruptedException {
    Path tarTool = RequiredTool.require("/usr/bin/tar", "tar");
    List<String> names = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .filter(path -> !path.equals(root))
          .forEach(path -> names.add(root.relativize(path).toString()));
    }
    Collections.sort(names);
    if (reverseOrder) {
      Collections.reverse(names);
    }
    Path list =
        Files.writeString(
            tar.resolveSibling(tar.getFileName() + ".list"), String.join("\n", names) + "\n");
    Process process =
        new ProcessBuilder(
                tarTool.toString(),
                "--format=gnu",
                "--no-recursion",
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "--mtime=" + mtime,
                "-cf",
                tar.toString(),
                "-C",
                root.toString(),
                "-T",
                list.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    return tar;
  }

  /** Changes a few bytes and shifts the second half by a short insertion, as a rebuild does. */
  static byte[] rebuild(byte[] original, Random random) {
    byte[] changed = original.clone();
    for (int i = 0; i < 40; i++) {
      changed[random.nextInt(changed.length)] ^= (byte) (1 + random.nextInt(255));
    }
    int cut = changed.length / 2;
    byte[] inserted = new byte[64];
    random.nextBytes(inserted);
    byte[] result = new byte[changed.length + inserted.length];
    System.arraycopy(changed, 0, result, 0, cut);
    System.arraycopy(inserted, 0, result, cut, inserted.length);
    System.arraycopy(changed, cut, result, cut + inserted.length, changed.length - cut);
    return result;
  }

  private static String services(int version) {
    StringBuilder text = new StringBuilder();
    for (int port = 1; port < 2000; port++) {
      String name = port % 97 == 0 ? "changed-in-" + version : "service";
      text.append(name).append('-').append(port).append('\t').append(port).append("/tcp\n");
    }
    return text.toString();
  }
}
