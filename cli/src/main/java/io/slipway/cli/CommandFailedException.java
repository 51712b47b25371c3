package io.slipway.cli;

/**
 * A failure of a command whose options were valid, such as a missing token file, a rejected token
 * or no server listening. {@link SlipwayCommand} prints the message as one line, without the usage
 * help, and exits with {@link #exitCode()}. Invalid options remain picocli's {@code
 * ParameterException}, exit code 2.
 */
public class CommandFailedException extends RuntimeException {

  private final int exitCode;

  /**
   * A failure with exit code {@link ExitCode#FAILED}.
   *
   * @param message names the value at fault and what to do
   */
  public CommandFailedException(String message) {
    this(message, ExitCode.FAILED);
  }

  /**
   * @param message names the value at fault and what to do
   * @param exitCode one of the {@link ExitCode} constants
   */
  public CommandFailedException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** Returns the code the process exits with. */
  public int exitCode() {
    return exitCode;
  }
}
