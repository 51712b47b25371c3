package io.slipway.signing.keystore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The file system steps of the key store's writes. The store calls them in a fixed order, so tests
 * can stop a change between two steps, as a crash would, and then check what a restarted store
 * reads. Implementations must be thread-safe.
 */
interface FileOperations {

  /** Creates {@code file}, which must not exist, readable by the owner alone where POSIX. */
  void createAndSync(Path file, byte[] content) throws IOException;

  /** Renames {@code source} over {@code target} in one atomic step. */
  void moveAtomically(Path source, Path target) throws IOException;

  /** Makes the renames and deletions in {@code directory} durable. */
  void syncDirectory(Path directory) throws IOException;

  /** Deletes {@code file} when it exists. */
  void deleteIfExists(Path file) throws IOException;

  /** Returns the operations on the default file system. */
  static FileOperations local() {
    return LocalFileOperations.INSTANCE;
  }

  /** The default file system's operations. */
  final class LocalFileOperations implements FileOperations {

    static final LocalFileOperations INSTANCE = new LocalFileOperations();

    private LocalFileOperations() {}

    @Override
    public void createAndSync(Path file, byte[] content) throws IOException {
      FileAttribute<?>[] attributes =
          DurableFiles.POSIX
              ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
              }
              : new FileAttribute<?>[0];
      Files.createFile(file, attributes);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      // Linux opens directories for reading and syncs them. Where a platform cannot, the rename
      // stays atomic but becomes durable only when the file system flushes.
      try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
        channel.force(true);
      } catch (IOException | UnsupportedOperationException e) {
        if (DurableFiles.POSIX) {
          throw e;
        }
      }
    }

    @Override
    public void deleteIfExists(Path file) throws IOException {
      Files.deleteIfExists(file);
    }
  }
}
