package io.slipway.systemtest.blob;

import io.slipway.systemtest.image.Digests;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * A file of seeded pseudo-random bytes, written in 1 MiB steps and digested while it is written, so
 * that gigabyte test blobs cost neither heap nor a second pass.
 *
 * @param path where the file is
 * @param size its length in bytes
 * @param digest its SHA-256 digest, {@code sha256:...}
 */
record RandomFile(Path path, long size, String digest) {

  private static final int STEP_BYTES = 1 << 20;

  /** Writes {@code size} bytes from a generator seeded with {@code seed} to {@code path}. */
  static RandomFile write(Path path, long size, long seed) throws IOException {
    Files.createDirectories(path.getParent());
    SplittableRandom random = new SplittableRandom(seed);
    MessageDigest digest = Digests.newSha256();
    byte[] buffer = new byte[STEP_BYTES];
    try (OutputStream out = Files.newOutputStream(path)) {
      for (long written = 0; written < size; ) {
        int length = (int) Math.min(buffer.length, size - written);
        random.nextBytes(buffer);
        digest.update(buffer, 0, length);
        out.write(buffer, 0, length);
        written += length;
      }
    }
    return new RandomFile(path, size, Digests.format(digest));
  }
}
