package io.slipway.agent.control;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code reboot}, {@code shutdown} and {@code identify} through {@link SystemActions}. A
 * reboot or shutdown is acknowledged first, with the result {@code rebooting} or {@code shutting
 * down}; the channel runs the action once the acknowledgement was sent. Thread-safe.
 */
final class PowerCommands {

  /** Result of {@code identify} when the device ran its identify action. */
  static final String IDENTIFY_RAN = "ran the identify command";

  /** Result of {@code identify} when the device has no identify action, so only logged it. */
  static final String IDENTIFY_LOGGED =
      "logged an identify request; no identify command is configured";

  private static final Logger log = LoggerFactory.getLogger(PowerCommands.class);

  private final String device;
  private final SystemActions actions;

  PowerCommands(String device, SystemActions actions) {
    this.device = device;
    this.actions = actions;
  }

  CommandHandler.Reply reboot(Command command) {
    return new CommandHandler.Reply("rebooting", () -> act("reboot", actions::reboot));
  }

  CommandHandler.Reply shutdown(Command command) {
    return new CommandHandler.Reply("shutting down", () -> act("shutdown", actions::shutdown));
  }

  CommandHandler.Reply identify(Command command) {
    log.info("Device {} asked to identify itself", device);
    if (actions.identify()) {
      return CommandHandler.Reply.of(IDENTIFY_RAN);
    }
    return CommandHandler.Reply.of(IDENTIFY_LOGGED);
  }

  private void act(String action, Runnable run) {
    log.info("Device {} runs its {} action", device, action);
    try {
      run.run();
    } catch (RuntimeException e) {
      // The command was acknowledged already, so the log is the only place the failure shows.
      log.error("The {} of device {} failed: {}", action, device, e.getMessage());
    }
  }
}
