package io.slipway.cli;

/**
 * A failure of a command whose options were valid, such as a missing token file or no server
 * listening. {@link SlipwayCommand} prints the message as one line, without the usage help, and
 * exits with code 1. Invalid options remain picocli's {@code ParameterException}, exit code 2.
 */
public class CommandFailedException extends RuntimeException {

  /**
   * @param message names the value at fault and what to do
   */
  public CommandFailedException(String message) {
    super(message);
  }
}
