package io.slipway.signing.bundle;

import io.slipway.signing.SigningException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Reads and hashes the content that bundles sign: bytes and files. Stateless. */
final class Contents {

  private static final int BUFFER_BYTES = 64 * 1024;

  private Contents() {}

  static byte[] sha256(byte[] content) {
    return newDigest().digest(content);
  }

  /**
   * Hashes the file at {@code file} in 64 KiB reads.
   *
   * @throws SigningException naming the file when it cannot be read
   */
  static byte[] sha256(Path file) {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[BUFFER_BYTES];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    } catch (IOException e) {
      throw new SigningException("Cannot read " + file + " to hash it: " + e.getMessage(), e);
    }
    return digest.digest();
  }

  /**
   * Reads the whole file at {@code file}; {@code purpose} completes the error message ("sign it").
   *
   * @throws SigningException naming the file when it cannot be read or does not fit in memory
   */
  // NOTE: Ed25519 signs and verifies whole messages, so its file signatures hold the file in
  // memory and are limited to files below 2 GiB.
  static byte[] readAll(Path file, String purpose) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException | OutOfMemoryError e) {
      throw new SigningException(
          "Cannot read " + file + " to " + purpose + ": " + e.getMessage(), e);
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
