package io.slipway.delta.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Durable file steps for the layout: write or move, fsync, rename into place, fsync the folder. */
final class LayoutFiles {

  private LayoutFiles() {}

  /** Replaces {@code target} with {@code content} so that readers see the old or the new file. */
  static void writeAtomically(Path target, byte[] content) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      force(temp);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDirectory(target.getParent());
  }

  /**
   * Moves {@code source} to {@code target} durably: a rename when both lie on one file system, else
   * a copy to a temporary file beside the target, an fsync and a rename.
   */
  static void moveDurably(Path source, Path target) throws IOException {
    force(source);
    try {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      try (InputStream in = Files.newInputStream(source)) {
        copyDurably(in, target);
      }
      Files.delete(source);
    }
    forceDirectory(target.getParent());
  }

  /** Writes {@code in} to {@code target} through a temporary file, an fsync and a rename. */
  static void copyDurably(InputStream in, Path target) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      force(temp);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Makes a rename in {@code directory} durable; a no-op where directories cannot be opened. */
  static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // NOTE: some file systems refuse to open a directory; the rename is done but not forced.
      if (!Files.isDirectory(directory)) {
        throw e;
      }
    }
  }
}
