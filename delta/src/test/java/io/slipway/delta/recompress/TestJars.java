package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real jar pairs that the build copies from Maven Central into {@code target/test-jars/old} and
 * {@code new} at generate-test-resources.
 */
final class TestJars {

  private TestJars() {}

  static Path directory() {
    return Path.of(System.getProperty("basedir", "."), "target", "test-jars");
  }

  static List<Path> oldJars() throws IOException {
    return list(directory().resolve("old"));
  }

  static List<Path> newJars() throws IOException {
    return list(directory().resolve("new"));
  }

  /** Returns the old jar of the same library as {@code newJar}, matched by its artifact name. */
  static Path oldJarFor(Path newJar) throws IOException {
    String artifact = artifactName(newJar);
    return oldJars().stream()
        .filter(old -> artifactName(old).equals(artifact))
        .findFirst()
        .orElseThrow();
  }

  private static String artifactName(Path jar) {
    return jar.getFileName().toString().replaceFirst("-\\d.*$", "");
  }

  private static List<Path> list(Path directory) throws IOException {
    assertThat(directory)
        .as("jar fixtures; run mvn -pl delta -am generate-test-resources")
        .isDirectory();
    try (Stream<Path> jars = Files.list(directory)) {
      return jars.filter(jar -> jar.toString().endsWith(".jar")).sorted().toList();
    }
  }
}
