package io.slipway.delta.apply;

import io.slipway.delta.image.Digest;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Passes bytes through while computing their SHA-256 digest (unless counting only) and counting
 * them.
 */
final class DigestingOutputStream extends FilterOutputStream {

  private final MessageDigest sha256;
  private long count;

  DigestingOutputStream(OutputStream out) {
    super(out);
    this.sha256 = Digest.newSha256();
  }

  private DigestingOutputStream(OutputStream out, MessageDigest sha256) {
    super(out);
    this.sha256 = sha256;
  }

  /** Returns a stream that only counts, for content whose digest another stream computes. */
  static DigestingOutputStream countingOnly(OutputStream out) {
    return new DigestingOutputStream(out, null);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    if (sha256 != null) {
      sha256.update((byte) b);
    }
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    if (sha256 != null) {
      sha256.update(b, off, len);
    }
    count += len;
  }

  /** Returns the digest of everything written; call once, after the last write. */
  Digest digest() {
    return Digest.fromHash(sha256.digest());
  }

  /** Returns the number of bytes written. */
  long count() {
    return count;
  }
}
