package io.slipway.agent.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded pipe of byte chunks between two threads: {@link #write} blocks while {@link #CHUNKS}
 * chunks wait, so a slow reader slows the writer down instead of filling memory. Unlike {@link
 * java.io.PipedInputStream}, it does not fail when the writing thread ends, which matters because
 * pool threads write into it. Thread-safe.
 */
public final class BytePipe {

  /** How many chunks may wait before {@link #write} blocks. */
  public static final int CHUNKS = 64;

  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(CHUNKS);
  private volatile boolean closed;
  private byte[] current;
  private int position;

  /**
   * Adds a copy of {@code length} bytes of {@code buffer}, waiting while the pipe is full.
   *
   * @throws IOException when the pipe is closed
   */
  public void write(byte[] buffer, int length) throws IOException {
    if (length == 0) {
      return;
    }
    if (closed) {
      throw new IOException("The terminal's pipe is closed");
    }
    try {
      chunks.put(Arrays.copyOf(buffer, length));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while writing to the terminal", e);
    }
  }

  /**
   * Reads into {@code buffer}, blocking until bytes arrive.
   *
   * @return the number of bytes read, or -1 once the pipe is closed and empty
   */
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      if (current == null || position == current.length) {
        current = chunks.take();
        position = 0;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading from the terminal", e);
    }
    if (current == END) {
      // Put the end back, so that every later read sees it too.
      chunks.offer(END);
      return -1;
    }
    int count = Math.min(length, current.length - position);
    System.arraycopy(current, position, buffer, offset, count);
    position += count;
    return count;
  }

  /** Ends the pipe: reads return what is queued, then -1; later writes fail. Idempotent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // A full queue drops its oldest chunk for the end mark, because no reader needs it after close.
    while (!chunks.offer(END)) {
      chunks.poll();
    }
  }

  /** Returns this pipe's reading end as a stream, for APIs that take an {@link InputStream}. */
  public InputStream inputStream() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int count = BytePipe.this.read(one, 0, 1);
        return count < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        return length == 0 ? 0 : BytePipe.this.read(buffer, offset, length);
      }

      @Override
      public void close() {
        BytePipe.this.close();
      }
    };
  }
}
