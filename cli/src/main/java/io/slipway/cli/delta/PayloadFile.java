package io.slipway.cli.delta;

import io.slipway.delta.encode.DeltaSummary;
import io.slipway.delta.image.Digest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.function.Function;

/**
 * Writes and reads delta payload files. A payload is written to a temporary file beside its
 * destination, synced, and renamed over it, so a failed or interrupted run never leaves a partial
 * payload under the requested name. Stateless.
 */
final class PayloadFile {

  private static final int BUFFER_BYTES = 1 << 16;

  /**
   * A payload file as written.
   *
   * @param digest its SHA-256 digest
   * @param size its size in bytes
   * @param summary what the maker reported
   */
  record Written(Digest digest, long size, DeltaSummary summary) {}

  private PayloadFile() {}

  /**
   * Writes the payload that {@code maker} produces into {@code destination}, hashing it on the way.
   */
  static Written write(Path destination, Function<OutputStream, DeltaSummary> maker)
      throws IOException {
    Path temporary = temporaryBeside(destination);
    try {
      MessageDigest sha256 = Digest.newSha256();
      DeltaSummary summary;
      try (OutputStream file = Files.newOutputStream(temporary);
          DigestOutputStream hashed =
              new DigestOutputStream(new BufferedOutputStream(file, BUFFER_BYTES), sha256)) {
        summary = maker.apply(hashed);
      }
      long size = Files.size(temporary);
      syncAndRename(temporary, destination);
      return new Written(Digest.fromHash(sha256.digest()), size, summary);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Writes {@code content} into {@code destination} through a synced temporary file. */
  static void writeAtomically(Path destination, byte[] content) throws IOException {
    Path temporary = temporaryBeside(destination);
    try {
      Files.write(temporary, content);
      syncAndRename(temporary, destination);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Returns the SHA-256 digest of {@code file}, read in small buffers. */
  static Digest digest(Path file) throws IOException {
    MessageDigest sha256 = Digest.newSha256();
    byte[] buffer = new byte[BUFFER_BYTES];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        sha256.update(buffer, 0, read);
      }
    }
    return Digest.fromHash(sha256.digest());
  }

  private static Path temporaryBeside(Path destination) throws IOException {
    Path absolute = destination.toAbsolutePath();
    return Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".partial");
  }

  private static void syncAndRename(Path temporary, Path destination) throws IOException {
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(
        temporary,
        destination,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
