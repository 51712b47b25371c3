package io.slipway.cli.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory under {@code java.io.tmpdir} for expanded layers, deleted with everything
 * in it on {@link #close}. Not thread-safe.
 */
final class ScratchDirectory implements AutoCloseable {

  private final Path path;

  private ScratchDirectory(Path path) {
    this.path = path;
  }

  /** Creates a new, empty directory whose name starts with {@code prefix}. */
  static ScratchDirectory create(String prefix) throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(prefix));
  }

  /** Creates a new, empty directory inside {@code parent}. */
  static ScratchDirectory createIn(Path parent, String prefix) throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(parent, prefix));
  }

  Path path() {
    return path;
  }

  /** Deletes the directory and its content. */
  @Override
  public void close() {
    deleteTree(path);
  }

  /**
   * Deletes {@code root} and everything below it, if it exists.
   *
   * @throws UncheckedIOException when a file cannot be deleted
   */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Deleting the temporary directory " + root + " failed", e);
    }
  }
}
