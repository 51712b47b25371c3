package io.slipway.osimage.assemble;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The SHA-256 of everything an assembly reads, from which its identifiers derive. Each field is a
 * name, a length and the value, so that fields cannot run into each other. Not safe for concurrent
 * use.
 */
final class InputDigest {

  private final MessageDigest sha256 = StableIds.sha256();

  /** Adds a field with a byte string value. */
  InputDigest add(String name, byte[] value) {
    header(name, value.length);
    sha256.update(value);
    return this;
  }

  /** Adds a field with a text value. */
  InputDigest add(String name, String value) {
    return add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds a field with a number value. */
  InputDigest add(String name, long value) {
    return add(name, ByteBuffer.allocate(8).putLong(value).array());
  }

  /** Adds a field whose value is the content of {@code file}, read once as a stream. */
  InputDigest addFile(String name, Path file) throws IOException {
    header(name, Files.size(file));
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        sha256.update(buffer, 0, read);
      }
    }
    return this;
  }

  private void header(String name, long length) {
    sha256.update(name.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    sha256.update(ByteBuffer.allocate(8).putLong(length).array());
  }

  /** Returns the digest of every field added. */
  byte[] digest() {
    return sha256.digest();
  }
}
