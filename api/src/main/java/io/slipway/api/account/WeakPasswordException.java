package io.slipway.api.account;

/**
 * A password that breaks the {@link PasswordPolicy}; the message names the rule, never the value.
 */
public class WeakPasswordException extends RuntimeException {

  public WeakPasswordException(String message) {
    super(message);
  }
}
