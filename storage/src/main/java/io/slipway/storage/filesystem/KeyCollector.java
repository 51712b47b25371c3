package io.slipway.storage.filesystem;

import io.slipway.storage.StorageKey;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file tree visitor that turns the regular files below a directory into storage keys relative to
 * the store root. It tolerates files and directories that vanish during the walk.
 */
final class KeyCollector extends SimpleFileVisitor<Path> {

  private static final Logger log = LoggerFactory.getLogger(KeyCollector.class);

  private final Path root;
  private final List<StorageKey> keys = new ArrayList<>();

  KeyCollector(Path root) {
    this.root = root;
  }

  List<StorageKey> keys() {
    return keys;
  }

  @Override
  public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
    if (attributes.isRegularFile()) {
      addKey(file);
    }
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
    if (e instanceof NoSuchFileException) {
      return FileVisitResult.CONTINUE;
    }
    throw e;
  }

  @Override
  public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
    if (e != null && !(e instanceof NoSuchFileException)) {
      throw e;
    }
    return FileVisitResult.CONTINUE;
  }

  private void addKey(Path file) {
    String relative = root.relativize(file).toString();
    String separator = file.getFileSystem().getSeparator();
    try {
      keys.add(new StorageKey(relative.replace(separator, "/")));
    } catch (IllegalArgumentException e) {
      log.debug("Skipping file whose name is not a valid storage key: {}", file);
    }
  }
}
