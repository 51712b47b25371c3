package io.slipway.osimage.image;

import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Counts a SHA-256 on its own thread over chunks handed to it in order, and owns the pool of chunk
 * buffers: a buffer goes back to the pool once it is hashed, so the pool's size bounds how far the
 * reader may run ahead. The caller may keep reading a buffer after handing it over, until it takes
 * the next one. Used by one writer thread.
 */
final class BackgroundSha256 implements AutoCloseable {

  private static final int BUFFERS = 8;

  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final MessageDigest digest;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "image-sha256");
            thread.setDaemon(true);
            return thread;
          });

  BackgroundSha256(int bufferSize) {
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[bufferSize]);
    }
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }

  /** Returns a buffer that no thread reads any more, waiting for the hashing thread if needed. */
  byte[] takeBuffer() throws InterruptedIOException {
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while waiting for SHA-256 to catch up");
    }
  }

  /** Hashes the first {@code length} bytes of {@code buffer} next, then returns it to the pool. */
  void hash(byte[] buffer, int length) {
    executor.execute(
        () -> {
          digest.update(buffer, 0, length);
          free.add(buffer);
        });
  }

  /** Returns the lower-case hex SHA-256 of everything hashed. */
  String digest() throws InterruptedIOException {
    try {
      return HexFormat.of().formatHex(executor.submit((Callable<byte[]>) digest::digest).get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while waiting for the SHA-256");
    } catch (ExecutionException e) {
      throw new IllegalStateException("Hashing the image failed", e.getCause());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
