package io.slipway.delta.apply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The staging directory of one apply: files are written as {@code HEX.partial} and renamed to
 * {@code HEX} once verified, and every file this apply wrote is deleted when it fails.
 */
final class Staging {

  private final Path dir;
  private final List<Path> written = new ArrayList<>();

  Staging(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** Returns the partial file for the blob with hex digest {@code hex}, recorded for cleanup. */
  Path partial(String hex) {
    Path partial = dir.resolve(hex + ".partial");
    written.add(partial);
    return partial;
  }

  /** Renames a verified partial file to its final name and returns that name. */
  Path commit(Path partial, String hex) throws IOException {
    Path done = dir.resolve(hex);
    written.add(done);
    return Files.move(partial, done, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Returns the final name of the blob with hex digest {@code hex}. */
  Path fileOf(String hex) {
    return dir.resolve(hex);
  }

  /** Deletes every file this apply wrote; the first failure is attached to {@code failure}. */
  void discard(Throwable failure) {
    for (Path path : written) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
    written.clear();
  }
}
