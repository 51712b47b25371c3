package io.slipway.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Wraps an upload's content to count it, hash it with SHA-256 and cap its size. It fails the read
 * that crosses {@code maxBytes}, so the S3 client aborts the upload, and it records why it failed
 * so that the store can tell a too-large object and a broken source from an S3 error, however the
 * client wraps the exception.
 *
 * <p>The S3 client may read on another thread than the caller's; the fields are volatile so that
 * the caller sees the outcome after the upload call returns.
 */
final class DigestingInputStream extends FilterInputStream {

  /** Signals the S3 client to abort the upload because the content exceeds the limit. */
  static final class LimitExceededException extends IOException {
    LimitExceededException(long maxBytes) {
      super("Content exceeds the limit of " + maxBytes + " bytes");
    }
  }

  private final long maxBytes;
  private final MessageDigest sha256;
  private volatile long count;
  private volatile boolean limitExceeded;
  private volatile Exception sourceFailure;

  DigestingInputStream(InputStream source, long maxBytes) {
    super(source);
    this.maxBytes = maxBytes;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (java.security.MessageDigest javadoc).
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] single = new byte[1];
    int read = read(single, 0, 1);
    return read == -1 ? -1 : single[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (limitExceeded) {
      throw new LimitExceededException(maxBytes);
    }

    int read = readSource(buffer, offset, length);
    if (read <= 0) {
      return read;
    }

    count += read;
    if (count > maxBytes) {
      limitExceeded = true;
      throw new LimitExceededException(maxBytes);
    }
    sha256.update(buffer, offset, read);
    return read;
  }

  /** Reports the content as unskippable so that every byte passes through the digest. */
  @Override
  public long skip(long n) {
    return 0;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void mark(int readLimit) {
    // Not supported: a reset would feed bytes to the digest twice.
  }

  @Override
  public void reset() throws IOException {
    throw new IOException("mark/reset is not supported");
  }

  long maxBytes() {
    return maxBytes;
  }

  long count() {
    return count;
  }

  boolean limitExceeded() {
    return limitExceeded;
  }

  /** Returns the exception the wrapped stream threw, or null when it threw none. */
  Exception sourceFailure() {
    return sourceFailure;
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  private int readSource(byte[] buffer, int offset, int length) throws IOException {
    try {
      return in.read(buffer, offset, length);
    } catch (IOException | RuntimeException e) {
      sourceFailure = e;
      throw e;
    }
  }
}
