package io.slipway.agent.control;

/**
 * The device operating system's actions for the {@code reboot}, {@code shutdown} and {@code
 * identify} commands; replaceable so that tests and simulations do not reboot the machine they run
 * on. Implementations are thread-safe.
 */
public interface SystemActions {

  /**
   * Reboots the device.
   *
   * @throws RuntimeException naming the command and its error when the reboot cannot start
   */
  void reboot();

  /**
   * Powers the device off.
   *
   * @throws RuntimeException naming the command and its error when the shutdown cannot start
   */
  void shutdown();

  /**
   * Makes the device visible to someone next to it, such as by blinking an LED; does nothing when
   * the device has no such means.
   *
   * @return true when an identify action ran, false when none is configured
   * @throws RuntimeException naming the command and its error when it fails
   */
  boolean identify();
}
