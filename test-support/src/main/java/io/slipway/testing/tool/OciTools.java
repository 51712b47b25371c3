package io.slipway.testing.tool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Checks an OCI image layout with the two tools that must read it: skopeo and umoci, as installed
 * from Debian. Each check runs the tool as a child process and fails with its output. A missing
 * tool is handled as {@link RequiredTool} does. Stateless and thread-safe.
 */
public final class OciTools {

  private static final long TIMEOUT_SECONDS = 120;

  private OciTools() {}

  /**
   * Checks that {@code skopeo inspect} and {@code umoci stat} read the image named {@code refName}
   * in {@code layout}, and that {@code umoci unpack --rootless} unpacks it into {@code bundle}.
   *
   * @param bundle a directory that does not exist yet, where umoci unpacks the image's files into
   *     {@code rootfs}
   * @throws AssertionError naming the command and its output when a tool fails
   */
  public static void assertReadable(Path layout, String refName, Path bundle) {
    Path skopeo = RequiredTool.require("/usr/bin/skopeo", "skopeo");
    Path umoci = RequiredTool.require("/usr/bin/umoci", "umoci");
    String image = layout + ":" + refName;

    run(skopeo.toString(), "inspect", "oci:" + image);
    run(umoci.toString(), "stat", "--image", image);
    run(umoci.toString(), "unpack", "--rootless", "--image", image, bundle.toString());
  }

  private static void run(String... command) {
    List<String> words = List.of(command);
    try {
      Process process = new ProcessBuilder(words).redirectErrorStream(true).start();
      // Reading the output before waiting keeps a tool from stalling on a full pipe.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", words) + " timed out: " + output);
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", words) + " failed with " + process.exitValue() + ": " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Starting " + words.get(0) + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(String.join(" ", words) + " was interrupted", e);
    }
  }
}
