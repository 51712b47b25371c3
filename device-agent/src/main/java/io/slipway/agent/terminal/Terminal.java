package io.slipway.agent.terminal;

import java.io.IOException;

/**
 * An interactive program running in a pseudo-terminal: a shell on the host or in a service's
 * container. Bytes written reach the program as typed keys, so the line discipline turns 0x03 into
 * SIGINT. Bytes read are what the program printed.
 *
 * <p>{@link #read} is called from one thread and {@link #write} and {@link #resize} from another;
 * {@link #close()} may be called from any thread.
 */
public interface Terminal extends AutoCloseable {

  /**
   * Reads what the program printed into {@code buffer}, blocking until some bytes arrive.
   *
   * @return the number of bytes read, or -1 once the program closed the terminal
   */
  int read(byte[] buffer) throws IOException;

  /** Passes {@code length} bytes from {@code buffer} to the program as typed input. */
  void write(byte[] buffer, int length) throws IOException;

  /** Sets the terminal's size in columns and rows, which the program gets as SIGWINCH. */
  void resize(int cols, int rows) throws IOException;

  /**
   * Waits for the program to end and returns its exit code.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  int waitFor() throws InterruptedException, IOException;

  /** Ends the program if it still runs and releases the terminal; idempotent. */
  @Override
  void close();

  /** Opens terminals for {@code open-terminal} commands. Thread-safe. */
  @FunctionalInterface
  interface Factory {

    /**
     * Starts a shell in a new terminal of {@code cols} by {@code rows}.
     *
     * @param service the service whose container the shell runs in, or null for the host
     * @throws IllegalArgumentException naming the service when it is unknown or not running
     * @throws IllegalStateException naming the cause when no terminal can be made
     */
    Terminal open(String service, int cols, int rows);
  }
}
