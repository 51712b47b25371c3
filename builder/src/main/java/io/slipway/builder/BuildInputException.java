package io.slipway.builder;

import java.util.Objects;

/**
 * The project is at fault: a missing or malformed file, an unknown instruction or variable, a
 * source outside the build context. Raised before anything is built or pushed whenever the check
 * can run that early. The message names the file, the line (when there is one) and the fix.
 */
public class BuildInputException extends BuildException {

  private final String file;
  private final int line;
  private final String reason;

  /**
   * @param file the file at fault, relative to the project root, such as {@code web/Dockerfile}
   * @param line its 1-based line, or 0 when the problem has no line
   * @param reason what is wrong and what to do
   */
  public BuildInputException(String file, int line, String reason) {
    super(format(file, line, reason));
    this.file = Objects.requireNonNull(file, "file");
    this.line = line;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  private static String format(String file, int line, String reason) {
    return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
  }

  /** Returns the file at fault, relative to the project root. */
  public String file() {
    return file;
  }

  /** Returns the 1-based line at fault, or 0 when the problem has no line. */
  public int line() {
    return line;
  }

  /** Returns what is wrong and what to do, without the file and line. */
  public String reason() {
    return reason;
  }
}
