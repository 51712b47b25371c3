package io.slipway.api.control.terminal;

/**
 * The size of a terminal in character cells. Immutable.
 *
 * @param cols columns, 1 to {@value #MAX}
 * @param rows rows, 1 to {@value #MAX}
 */
public record TerminalSize(int cols, int rows) {

  /** Largest number of columns or rows accepted. */
  public static final int MAX = 1000;

  /** The size used when the user's side sends none. */
  public static final TerminalSize DEFAULT = new TerminalSize(80, 24);

  public TerminalSize {
    if (cols < 1 || cols > MAX || rows < 1 || rows > MAX) {
      throw new IllegalArgumentException(
          "Terminal size "
              + cols
              + "x"
              + rows
              + " is out of range: send cols and rows between 1 and "
              + MAX);
    }
  }
}
