package io.slipway.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Logging settings shared by the commands that run library code in the CLI's own process. */
public final class CliLogging {

  private CliLogging() {}

  /**
   * Raises the log level to WARN: without a configuration Logback prints every DEBUG line to
   * standard output, where commands print their results.
   */
  public static void quiet() {
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(Level.WARN);
    }
  }
}
