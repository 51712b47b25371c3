package io.slipway.systemtest.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Directories for the system tests under {@code target/system-tests}, where they outlive the run
 * for diagnosis and {@code mvn clean} removes them.
 */
public final class WorkDirectory {

  /** System property that the build sets to the root of the tests' directories. */
  public static final String ROOT_PROPERTY = "slipway.systemtest.work";

  private WorkDirectory() {}

  /** Returns the root directory, {@code target/system-tests} under a Maven build. */
  public static Path root() {
    String configured = System.getProperty(ROOT_PROPERTY);
    Path root =
        configured == null || configured.isBlank()
            ? Path.of("target", "system-tests")
            : Path.of(configured);
    return root.toAbsolutePath().normalize();
  }

  /**
   * Returns an empty directory at {@code root()/first/more...}, removing what an earlier run left
   * there.
   */
  public static Path fresh(String first, String... more) {
    Path directory = root().resolve(Path.of(first, more));
    try {
      deleteRecursively(directory);
      return Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the test directory " + directory, e);
    }
  }

  /** Deletes {@code path} and everything below it; a missing path is fine. */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(each);
      }
    }
  }
}
