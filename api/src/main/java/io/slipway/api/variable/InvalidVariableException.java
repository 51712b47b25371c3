package io.slipway.api.variable;

/**
 * A variable name, value or scope that Slipway does not accept. Controllers report it as {@code 400
 * INVALID_VARIABLE}.
 */
public class InvalidVariableException extends IllegalArgumentException {

  public InvalidVariableException(String message) {
    super(message);
  }
}
