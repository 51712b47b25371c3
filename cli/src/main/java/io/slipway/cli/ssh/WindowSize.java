package io.slipway.cli.ssh;

/**
 * The size of a terminal window in character cells. Immutable.
 *
 * @param cols columns, at least 1
 * @param rows rows, at least 1
 */
record WindowSize(int cols, int rows) {

  /** The size sent when standard input is not a terminal. */
  static final WindowSize DEFAULT = new WindowSize(80, 24);

  WindowSize {
    if (cols < 1 || rows < 1) {
      throw new IllegalArgumentException(
          "Terminal size " + cols + "x" + rows + " is invalid: columns and rows must be positive");
    }
  }
}
