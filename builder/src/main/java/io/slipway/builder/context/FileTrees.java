package io.slipway.builder.context;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Deletes directory trees that builds write: prepared contexts, unpacked layers, served
 * repositories.
 */
public final class FileTrees {

  private FileTrees() {}

  /**
   * Deletes {@code root} and everything below it. Symbolic links are deleted, never followed, so a
   * link in a build context cannot lead the deletion out of the tree. Directories a build made
   * read-only are made writable first. Does nothing when {@code root} does not exist.
   *
   * @throws IOException when an entry cannot be deleted; what was deleted before stays deleted
   */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
              throws IOException {
            makeWritable(directory);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path directory, IOException failure)
              throws IOException {
            if (failure != null) {
              throw failure;
            }
            Files.delete(directory);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void makeWritable(Path directory) throws IOException {
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
    if (permissions.add(PosixFilePermission.OWNER_WRITE)
        | permissions.add(PosixFilePermission.OWNER_EXECUTE)) {
      Files.setPosixFilePermissions(directory, permissions);
    }
  }
}
