package io.slipway.agent;

/**
 * The program on each device: joins its fleet, keeps the device on its target release and reports
 * its state. It runs on small boards, so it depends only on modules that devices also use (signing,
 * delta), never on server-only ones.
 *
 * <p>One agent owns one data directory; a second agent on the same directory fails to start. All
 * methods may be called from any thread.
 */
public interface DeviceAgent extends AutoCloseable {

  /**
   * Runs the agent until {@link #close()}: registers when the config file still holds a
   * provisioning key, brings the engine in line with the installed release, then polls the target
   * state and updates. Errors of one round are reported and retried with backoff; they do not end
   * the loop.
   *
   * @throws AgentException {@code INVALID_CONFIG} or {@code ALREADY_RUNNING} before the loop starts
   * @throws InterruptedException when the calling thread is interrupted
   */
  void run() throws InterruptedException;

  /**
   * Asks for a poll of the target state now instead of at the next interval, for example because
   * the control channel reported that the target changed. Returns at once.
   */
  void targetChanged();

  /**
   * Stops the loop and releases the data directory; idempotent. Running containers keep running.
   */
  @Override
  void close();
}
