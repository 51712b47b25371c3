package io.slipway.systemtest.blob;

import io.slipway.systemtest.image.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * What a streamed download held, measured without keeping it: its SHA-256 digest and its length.
 *
 * @param digest SHA-256 of every byte read, {@code sha256:...}
 * @param size number of bytes read
 */
record StreamedContent(String digest, long size) {

  private static final int BUFFER_BYTES = 1 << 20;

  /** Reads {@code input} to its end and closes it. */
  static StreamedContent read(InputStream input) throws IOException {
    MessageDigest digest = Digests.newSha256();
    long size = 0;
    try (input) {
      byte[] buffer = new byte[BUFFER_BYTES];
      for (int read = input.read(buffer); read >= 0; read = input.read(buffer)) {
        digest.update(buffer, 0, read);
        size += read;
      }
    }
    return new StreamedContent(Digests.format(digest), size);
  }
}
