package io.slipway.api.delta;

import io.slipway.api.config.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Scratch space for making deltas, {@code DATA_DIR/deltas/}: one directory per generation, holding
 * the payload before it is stored and the maker's uncompressed layers. What a stopped server left
 * there is deleted at startup. Safe for concurrent use.
 */
@Component
class DeltaScratch {

  private static final Logger log = LoggerFactory.getLogger(DeltaScratch.class);

  private final Path root;

  DeltaScratch(DataDirectory dataDirectory) throws IOException {
    this.root = dataDirectory.root().resolve("deltas");
    deleteTree(root);
    Files.createDirectories(root);
  }

  /** Creates an empty directory for one generation. */
  Path newDirectory() throws IOException {
    return Files.createTempDirectory(root, "delta-");
  }

  /** Deletes {@code directory} and what it holds; logs and keeps going when that fails. */
  void delete(Path directory) {
    if (directory == null) {
      return;
    }
    try {
      deleteTree(directory);
    } catch (IOException e) {
      log.warn(
          "Deleting delta scratch directory {} failed; it is deleted at the next start",
          directory,
          e);
    }
  }

  private static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
