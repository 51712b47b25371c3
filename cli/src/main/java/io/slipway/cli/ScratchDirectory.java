package io.slipway.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory, such as for expanded layers or a decompressed image, deleted with
 * everything in it on {@link #close}. Not thread-safe.
 */
public final class ScratchDirectory implements AutoCloseable {

  private final Path path;

  private ScratchDirectory(Path path) {
    this.path = path;
  }

  /** Creates a new, empty directory whose name starts with {@code prefix}. */
  public static ScratchDirectory create(String prefix) throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(prefix));
  }

  /** Creates a new, empty directory inside {@code parent}. */
  public static ScratchDirectory createIn(Path parent, String prefix) throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(parent, prefix));
  }

  /** Returns the directory. */
  public Path path() {
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
  public static void deleteTree(Path root) {
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
