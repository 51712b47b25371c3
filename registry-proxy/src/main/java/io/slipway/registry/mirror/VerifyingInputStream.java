package io.slipway.registry.mirror;

import io.slipway.registry.reference.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashes the bytes of an upstream blob as they are read and fails the read that reaches the end
 * when they do not match the expected digest. A {@link io.slipway.storage.BlobStore#write} fed from
 * this stream therefore publishes nothing for content that does not match.
 *
 * <p>Records whether a failure came from the upstream stream itself or from the digest check, so
 * that the caller can tell the two apart after the store has wrapped the exception. Not
 * thread-safe, like any stream.
 */
final class VerifyingInputStream extends FilterInputStream {

  /** Thrown at the end of the stream when the content has another digest than expected. */
  static final class DigestMismatchException extends IOException {
    DigestMismatchException(String message) {
      super(message);
    }
  }

  private final Digest expected;
  private final MessageDigest hash;
  private long count;
  private Digest actual;
  private IOException upstreamFailure;

  VerifyingInputStream(InputStream upstream, Digest expected) {
    super(upstream);
    this.expected = expected;
    this.hash = newHash(expected.algorithm());
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int read = read(one, 0, 1);
    return read < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int read;
    try {
      read = in.read(buffer, offset, length);
    } catch (IOException e) {
      upstreamFailure = e;
      throw e;
    }
    if (read < 0) {
      checkDigest();
      return -1;
    }
    hash.update(buffer, offset, read);
    count += read;
    return read;
  }

  @Override
  public long skip(long n) {
    // Skipped bytes would escape the hash.
    return 0;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void checkDigest() throws DigestMismatchException {
    if (actual == null) {
      actual = new Digest(expected.algorithm(), HexFormat.of().formatHex(hash.digest()));
    }
    if (!actual.equals(expected)) {
      throw new DigestMismatchException(
          "Upstream content has digest " + actual + " (" + count + " bytes), not " + expected);
    }
  }

  /** Returns the digest of the whole content once the end was read, or null before. */
  Digest actualDigest() {
    return actual;
  }

  /** Returns true when the end was read and the content has a digest other than the expected. */
  boolean mismatched() {
    return actual != null && !actual.equals(expected);
  }

  /** Returns the failure of the upstream stream, or null when reading it never failed. */
  IOException upstreamFailure() {
    return upstreamFailure;
  }

  /** Returns the number of bytes read so far. */
  long count() {
    return count;
  }

  private static MessageDigest newHash(String algorithm) {
    String name =
        switch (algorithm) {
          case "sha256" -> "SHA-256";
          case "sha512" -> "SHA-512";
          default ->
              throw new IllegalArgumentException("Unsupported digest algorithm " + algorithm);
        };
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JVM lacks " + name, e);
    }
  }
}
