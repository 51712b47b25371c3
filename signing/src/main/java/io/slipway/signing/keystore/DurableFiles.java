package io.slipway.signing.keystore;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * Replaces files atomically and durably: the content goes to a synced temporary file in the
 * target's directory, which is then renamed over the target, and the directory is synced. A crash
 * leaves the old or the new content under the target's name, plus at most a temporary file that
 * {@link #isTemporary} recognizes. Thread-safe.
 */
final class DurableFiles {

  /** The suffix of temporary files. */
  static final String TEMPORARY_SUFFIX = ".tmp";

  /** Whether the default file system has POSIX permissions. */
  static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final FileOperations operations;

  DurableFiles(FileOperations operations) {
    this.operations = Objects.requireNonNull(operations, "operations");
  }

  /** Replaces {@code target} with {@code content}, mode 0600 where POSIX. */
  void replace(Path target, byte[] content) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    createPrivateDirectories(directory);
    byte[] suffix = new byte[6];
    RANDOM.nextBytes(suffix);
    Path temporary =
        directory.resolve(
            "." + target.getFileName() + "." + HexFormat.of().formatHex(suffix) + TEMPORARY_SUFFIX);
    try {
      operations.createAndSync(temporary, content);
      operations.moveAtomically(temporary, target);
    } catch (IOException e) {
      deleteQuietly(temporary, e);
      throw e;
    }
    operations.syncDirectory(directory);
  }

  /** Deletes {@code file} and syncs its directory. */
  void delete(Path file) throws IOException {
    operations.deleteIfExists(file);
    operations.syncDirectory(file.toAbsolutePath().getParent());
  }

  /** Renames {@code file} to {@code aside}, replacing it, and syncs the directory. */
  void moveAside(Path file, Path aside) throws IOException {
    operations.moveAtomically(file, aside);
    operations.syncDirectory(file.toAbsolutePath().getParent());
  }

  /** Returns whether {@code file} is a temporary file that {@link #replace} left behind. */
  static boolean isTemporary(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") && name.endsWith(TEMPORARY_SUFFIX);
  }

  /**
   * Creates {@code directory} and its missing parents; those created here get mode 0700 where
   * POSIX. Existing directories keep their mode.
   */
  static void createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    Path parent = directory.toAbsolutePath().getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    if (POSIX) {
      Files.createDirectory(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectory(directory);
    }
  }

  /** Returns whether users other than the owner may read or write {@code file}. */
  static boolean isExposed(Path file) throws IOException {
    if (!POSIX) {
      return false;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    return permissions.stream()
        .anyMatch(
            permission ->
                permission.name().startsWith("GROUP_") || permission.name().startsWith("OTHERS_"));
  }

  private void deleteQuietly(Path temporary, IOException failure) {
    try {
      operations.deleteIfExists(temporary);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
