package io.slipway.api.variable;

import java.nio.charset.StandardCharsets;

/**
 * The value of a variable: any text of at most {@link #MAX_BYTES} bytes in UTF-8.
 *
 * @param text the value; may be empty
 */
public record VariableValue(String text) {

  /** The largest value accepted: 64 KiB of UTF-8. */
  public static final int MAX_BYTES = 64 * 1024;

  public VariableValue {
    if (text == null) {
      throw new InvalidVariableException("A variable needs a value: send {\"value\": \"...\"}");
    }
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new InvalidVariableException(
          "Variable value of "
              + bytes
              + " bytes is too large: at most "
              + MAX_BYTES
              + " bytes are accepted; store large files in the release instead");
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
