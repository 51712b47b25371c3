package io.slipway.storage.filesystem;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of in-progress writes, {@code root/.tmp}. Each write gets its own randomly named
 * file, so concurrent writes to one key never share a file.
 */
final class TempDirectory {

  static final String NAME = ".tmp";

  /**
   * Age after which a temporary file counts as abandoned by a crashed writer. An active write keeps
   * its file's modification time fresh, so only a write stalled for this long is at risk.
   */
  static final Duration STALE_AFTER = Duration.ofHours(1);

  private static final Logger log = LoggerFactory.getLogger(TempDirectory.class);

  private final Path path;

  TempDirectory(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  void create() throws IOException {
    Files.createDirectories(path);
  }

  /**
   * Creates an empty file with a random name. Unlike {@link Files#createTempFile}, which makes the
   * file readable by its owner only, this applies the process umask, so published objects get the
   * same permissions as any other file the server creates.
   */
  Path newFile() throws IOException {
    return Files.createFile(path.resolve("write-" + UUID.randomUUID() + ".part"));
  }

  /** Deletes {@code file} when it exists. It logs a failure, because the caller is unwinding. */
  void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Failed to delete temporary file {}, which the next start removes", file, e);
    }
  }

  /** Deletes files older than {@link #STALE_AFTER} and returns how many it deleted. */
  int deleteStaleFiles() {
    FileTime cutoff = FileTime.from(Instant.now().minus(STALE_AFTER));
    int deleted = 0;

    try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
      for (Path file : files) {
        if (isStale(file, cutoff) && deleteStale(file)) {
          deleted++;
        }
      }
    } catch (IOException e) {
      log.warn("Failed to scan {} for stale temporary files", path, e);
    }
    return deleted;
  }

  private static boolean isStale(Path file, FileTime cutoff) {
    try {
      return Files.isRegularFile(file) && Files.getLastModifiedTime(file).compareTo(cutoff) < 0;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      log.warn("Failed to read the age of temporary file {}", file, e);
      return false;
    }
  }

  private static boolean deleteStale(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Failed to delete stale temporary file {}", file, e);
      return false;
    }
  }
}
