package io.slipway.builder;

/** Base of every error the builder raises. */
public class BuildException extends RuntimeException {

  public BuildException(String message) {
    super(message);
  }

  public BuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
