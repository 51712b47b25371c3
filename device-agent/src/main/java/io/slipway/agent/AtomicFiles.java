package io.slipway.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * File writes of the agent's data directory that must survive a power cut. Each replacement goes
 * through a temporary file in the target's own directory: write, {@link FileChannel#force}, atomic
 * rename over the target, then fsync of the directory so that the rename itself is on disk. A crash
 * at any moment leaves either the old file or the new one, whole; at worst it also leaves a
 * temporary file named {@code .NAME.*.tmp}, which {@link #deleteTemporaryFiles} removes.
 *
 * <p>All methods are thread-safe as far as the file system is: two writers of the same target each
 * leave a whole file, and the last rename wins. Errors are plain {@link IOException}s, so each
 * caller maps them to the {@link AgentFailure} of its own step.
 */
public final class AtomicFiles {

  private static final String TEMP_SUFFIX = ".tmp";

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private static final Set<PosixFilePermission> WORLD_READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code content} atomically and durably. Where the file system has
   * POSIX permissions, the new file keeps those of the file it replaces, or gets mode 0644 when
   * there was none.
   *
   * @throws IOException when a step fails; {@code target} is then unchanged and the temporary file
   *     is removed
   */
  public static void write(Path target, byte[] content) throws IOException {
    replace(target, content, false);
  }

  /**
   * Replaces {@code target} with {@code content} like {@link #write}, readable and writable by the
   * owner alone (mode 0600) where the file system has POSIX permissions. Use it for files that hold
   * keys: the file never exists with wider permissions, not even as a temporary file.
   *
   * @throws IOException when a step fails; {@code target} is then unchanged
   */
  public static void writePrivate(Path target, byte[] content) throws IOException {
    replace(target, content, true);
  }

  /**
   * Renames {@code source} over {@code target} in one atomic step after forcing {@code source}'s
   * content to disk, then fsyncs the target's directory. Both must lie in one file system, which
   * holds for files in the same data directory.
   *
   * @throws java.nio.file.AtomicMoveNotSupportedException when they lie on different file systems
   * @throws IOException when another step fails; {@code target} is then unchanged
   */
  public static void move(Path source, Path target) throws IOException {
    force(source);
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(directoryOf(target));
  }

  /**
   * Deletes {@code file} if it exists and makes the deletion durable by an fsync of its directory.
   *
   * @return true when the file existed
   */
  public static boolean delete(Path file) throws IOException {
    boolean existed = Files.deleteIfExists(file);
    if (existed) {
      forceDirectory(directoryOf(file));
    }
    return existed;
  }

  /**
   * Deletes the temporary files that an interrupted write left in {@code directory}. Call it at
   * start, before any write of this process began.
   *
   * @return how many files were deleted
   */
  public static int deleteTemporaryFiles(Path directory) throws IOException {
    return deleteMatching(directory, ".*" + TEMP_SUFFIX);
  }

  /**
   * Deletes the temporary files that an interrupted write of {@code target} left beside it, and no
   * other file of its directory. Use it for a file that lies outside the data directory, such as
   * config.json on the boot partition. Call it at start, before any write of {@code target} by this
   * process began.
   *
   * @return how many files were deleted
   */
  public static int deleteTemporaryFilesOf(Path target) throws IOException {
    return deleteMatching(directoryOf(target), "." + target.getFileName() + ".*" + TEMP_SUFFIX);
  }

  private static int deleteMatching(Path directory, String glob) throws IOException {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> temporaries = Files.newDirectoryStream(directory, glob)) {
      for (Path temporary : temporaries) {
        if (Files.isRegularFile(temporary) && Files.deleteIfExists(temporary)) {
          deleted++;
        }
      }
    }
    if (deleted > 0) {
      forceDirectory(directory);
    }
    return deleted;
  }

  /**
   * Makes renames, creations and deletions in {@code directory} durable. On file systems that
   * cannot open a directory for reading this is a no-op, and those changes reach the disk only when
   * the file system flushes.
   */
  public static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      if (!Files.isDirectory(directory) || POSIX) {
        throw e;
      }
    }
  }

  private static void replace(Path target, byte[] content, boolean ownerOnly) throws IOException {
    Path temporary = createTemporary(target, ownerOnly);
    try {
      writeAndForce(temporary, content);
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
    forceDirectory(directoryOf(target));
  }

  /**
   * Creates the temporary file with mode 0600, which {@link Files#createTempFile} uses on POSIX
   * file systems, and widens it only when the target is not private, so that a key never sits in a
   * file others can read.
   */
  private static Path createTemporary(Path target, boolean ownerOnly) throws IOException {
    Path directory = directoryOf(target);
    String prefix = "." + target.getFileName() + ".";
    if (!POSIX) {
      return Files.createTempFile(directory, prefix, TEMP_SUFFIX);
    }
    Path temporary =
        Files.createTempFile(
            directory, prefix, TEMP_SUFFIX, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    if (!ownerOnly) {
      widen(temporary, target);
    }
    return temporary;
  }

  private static void widen(Path temporary, Path target) {
    try {
      Files.setPosixFilePermissions(temporary, permissionsFor(target));
    } catch (IOException e) {
      // FAT file systems, such as the boot partition that contains config.json, refuse chmod: their
      // files have the modes of the mount, so there are no per-file permissions to keep.
    }
  }

  private static Set<PosixFilePermission> permissionsFor(Path target) throws IOException {
    if (Files.exists(target)) {
      return Files.getPosixFilePermissions(target);
    }
    return WORLD_READABLE;
  }

  private static void writeAndForce(Path file, byte[] content) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static Path directoryOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException("Path " + file + " has no parent directory");
    }
    return parent;
  }
}
