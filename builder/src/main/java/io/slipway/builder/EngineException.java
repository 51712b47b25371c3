package io.slipway.builder;

/**
 * A build engine failed, or could not be reached. The message names the engine, the service and
 * platform, and the last lines of the engine's log when it has any.
 */
public class EngineException extends BuildException {

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
