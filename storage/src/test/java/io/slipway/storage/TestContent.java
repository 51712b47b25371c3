package io.slipway.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic test content, digests and failing streams, built by code. */
public final class TestContent {

  private TestContent() {}

  /** Returns {@code size} pseudo-random bytes; the same seed always gives the same bytes. */
  public static byte[] bytes(int size, long seed) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = byteAt(i, seed);
    }
    return bytes;
  }

  /** Streams the same bytes as {@link #bytes} without holding them in memory. */
  public static InputStream stream(long size, long seed) {
    return new GeneratedInputStream(size, seed, Long.MAX_VALUE);
  }

  /** Streams {@code failAfter} bytes of {@link #stream} and then throws an {@link IOException}. */
  public static InputStream failingAfter(long failAfter, long seed) {
    return new GeneratedInputStream(Long.MAX_VALUE, seed, failAfter);
  }

  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newSha256().digest(bytes));
  }

  /** Reads {@code stream} to its end, closes it and returns its SHA-256 as hex. */
  public static String sha256(InputStream stream) {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[256 * 1024];
    try (stream) {
      int read;
      while ((read = stream.read(buffer)) != -1) {
        digest.update(buffer, 0, read);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Reads {@code stream} to its end and closes it. */
  public static byte[] readAll(InputStream stream) {
    try (stream) {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte byteAt(long position, long seed) {
    long mixed = (position + seed) * 0x9E3779B97F4A7C15L;
    return (byte) (mixed >>> 56 ^ mixed >>> 29);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class GeneratedInputStream extends InputStream {

    private final long size;
    private final long seed;
    private final long failAfter;
    private long position;

    GeneratedInputStream(long size, long seed, long failAfter) {
      this.size = size;
      this.seed = seed;
      this.failAfter = failAfter;
    }

    @Override
    public int read() throws IOException {
      byte[] single = new byte[1];
      return read(single, 0, 1) == -1 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (position >= failAfter) {
        throw new IOException("Simulated client disconnect after " + position + " bytes");
      }
      if (position >= size) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }

      long limit = Math.min(size, failAfter);
      int count = (int) Math.min(length, limit - position);
      for (int i = 0; i < count; i++) {
        buffer[offset + i] = byteAt(position + i, seed);
      }
      position += count;
      return count;
    }
  }
}
