package io.slipway.api.build;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The layout of {@code DATA_DIR/builds}: {@code incoming-<random>/} while an upload is received and
 * extracted, then {@code release-<id>/source/} for the extracted tree of a release until the
 * release is final. Directories are private to the server's user. Uploads left by a process that
 * died are removed at startup. Safe for concurrent use.
 */
@Component
public class BuildDirectories {

  private static final Logger log = LoggerFactory.getLogger(BuildDirectories.class);
  private static final String INCOMING = "incoming-";
  private static final String RELEASE = "release-";

  private final Path root;

  public BuildDirectories(DataDirectory dataDirectory) {
    this.root = dataDirectory.builds();
    try {
      PrivateFiles.createPrivateDirectories(root);
      removeAbandonedUploads();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the build directory " + root, e);
    }
  }

  /**
   * An upload being received: the archive file and the directory its tree is extracted into.
   *
   * @param directory the upload's own directory
   */
  public record Incoming(Path directory) {

    /** Returns the file the archive is streamed into. */
    public Path archive() {
      return directory.resolve("source.tar");
    }

    /** Returns the directory the archive is extracted into. */
    public Path source() {
      return directory.resolve("source");
    }

    /** Removes the upload with everything in it; logs instead of failing. */
    public void delete() {
      deleteTree(directory);
    }
  }

  /** Creates the directories of a new upload. */
  public Incoming incoming() {
    Incoming incoming = new Incoming(root.resolve(INCOMING + UUID.randomUUID()));
    try {
      PrivateFiles.createPrivateDirectories(incoming.source());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the upload directory " + incoming.directory(), e);
    }
    return incoming;
  }

  /** Makes an extracted upload the build directory of release {@code releaseId}. */
  public void adopt(Incoming incoming, long releaseId) throws IOException {
    Files.deleteIfExists(incoming.archive());
    Files.move(incoming.directory(), directoryOf(releaseId), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Returns the extracted source tree of release {@code releaseId}. */
  public Path sourceOf(long releaseId) {
    return directoryOf(releaseId).resolve("source");
  }

  /** Removes the build directory of release {@code releaseId}, if any; logs instead of failing. */
  public void delete(long releaseId) {
    deleteTree(directoryOf(releaseId));
  }

  private Path directoryOf(long releaseId) {
    return root.resolve(RELEASE + releaseId);
  }

  private void removeAbandonedUploads() throws IOException {
    List<Path> abandoned;
    try (var entries = Files.list(root)) {
      abandoned = entries.filter(p -> p.getFileName().toString().startsWith(INCOMING)).toList();
    }
    for (Path directory : abandoned) {
      log.info("Removing the unfinished upload {} of a previous run", directory);
      deleteTree(directory);
    }
  }

  /** Deletes a tree without following symbolic links out of it. */
  static void deleteTree(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try {
      Files.walkFileTree(
          directory,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("Cannot remove the build directory {}: {}", directory, e.toString());
    }
  }
}
