package io.slipway.agent.control;

import io.slipway.agent.engine.ServiceRunner;

/**
 * Handles {@code restart-service}, {@code stop-service} and {@code start-service} through the
 * device's {@link ServiceRunner}. An unknown service fails with an error naming it and the known
 * services. Thread-safe as the runner's service commands are.
 */
final class ServiceCommands {

  private final ServiceRunner runner;

  ServiceCommands(ServiceRunner runner) {
    this.runner = runner;
  }

  CommandHandler.Reply restart(Command command) {
    runner.restartService(command.service());
    return CommandHandler.Reply.of("service " + command.service() + " restarted");
  }

  CommandHandler.Reply stop(Command command) {
    runner.stopService(command.service());
    return CommandHandler.Reply.of("service " + command.service() + " stopped");
  }

  CommandHandler.Reply start(Command command) {
    runner.startService(command.service());
    return CommandHandler.Reply.of("service " + command.service() + " started");
  }
}
