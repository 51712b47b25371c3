package io.slipway.delta.apply;

import io.slipway.delta.image.Digest;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes through while computing their SHA-256 digest and counting them. */
final class DigestingOutputStream extends FilterOutputStream {

  private final MessageDigest sha256 = Digest.newSha256();
  private long count;

  DigestingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    sha256.update((byte) b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    sha256.update(b, off, len);
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
