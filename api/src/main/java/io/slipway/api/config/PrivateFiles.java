package io.slipway.api.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files atomically (a synced temporary file in the same directory, then a rename),
 * optionally readable by the owner alone. On filesystems without POSIX permissions the files get
 * the platform's default access rights.
 */
public final class PrivateFiles {

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /**
   * Creates {@code directory} and its missing parents; directories created here get mode 0700.
   * Existing directories keep their mode.
   */
  public static void createPrivateDirectories(Path directory) throws IOException {
    Path parent = directory.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createPrivateDirectories(parent);
    }
    if (Files.isDirectory(directory)) {
      return;
    }
    if (POSIX) {
      Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(ownerOnly(true)));
    } else {
      Files.createDirectory(directory);
    }
  }

  /** Replaces {@code file} atomically with {@code content}, with mode 0600. */
  public static void writePrivate(Path file, byte[] content) throws IOException {
    write(file, content, ownerOnly(false));
  }

  /** Replaces {@code file} atomically with {@code content}, with mode 0644. */
  public static void writePublic(Path file, byte[] content) throws IOException {
    write(file, content, PosixFilePermissions.fromString("rw-r--r--"));
  }

  /** Returns true when {@code file} can be read or written by users other than its owner. */
  public static boolean isExposed(Path file) throws IOException {
    if (!POSIX) {
      return false;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    return !ownerOnly(true).containsAll(permissions);
  }

  private static void write(Path file, byte[] content, Set<PosixFilePermission> permissions)
      throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    createPrivateDirectories(directory);

    FileAttribute<?>[] attributes =
        POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
            : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp", attributes);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        // Sync before the rename so that a crash cannot leave an empty file under the final name.
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static Set<PosixFilePermission> ownerOnly(boolean executable) {
    return PosixFilePermissions.fromString(executable ? "rwx------" : "rw-------");
  }
}
