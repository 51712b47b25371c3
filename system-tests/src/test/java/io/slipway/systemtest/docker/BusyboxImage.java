package io.slipway.systemtest.docker;

import io.slipway.systemtest.process.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Tiny base images made on this machine from Debian's busybox-static, so that no image is pulled
 * from the internet: {@code /bin/busybox}, a few applet links and a file naming the variant, so
 * that each variant is an image of its own with no other image built on it.
 */
public final class BusyboxImage {

  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final List<String> APPLETS = List.of("sh", "echo", "cat", "ls", "uname", "true");

  private BusyboxImage() {}

  /**
   * Imports a fresh image {@code local/busybox-VARIANT:amd64} and returns its name; {@code docker
   * import} records the engine's own platform, amd64 here.
   */
  public static String importVariant(DockerCli docker, Path workDirectory, String variant)
      throws IOException {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new AssertionError(
          BUSYBOX + " is missing: install Debian's busybox-static (.ci/run does)");
    }
    Path root = Files.createDirectories(workDirectory.resolve("busybox-" + variant));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
    for (String applet : APPLETS) {
      Path link = bin.resolve(applet);
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Path.of("busybox"));
    }
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc").resolve("variant"), variant + "\n");

    Path archive = workDirectory.resolve("busybox-" + variant + ".tar");
    ExternalCommand.of("tar", "-C", root.toString(), "-cf", archive.toString(), ".")
        .run()
        .assertSucceeded();
    String name = "local/busybox-" + variant + ":amd64";
    docker.run("import", archive.toString(), name).assertSucceeded();
    return name;
  }
}
