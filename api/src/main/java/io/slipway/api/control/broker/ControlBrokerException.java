package io.slipway.api.control.broker;

/** The control channel's broker failed to start, or refused or missed a request. */
public class ControlBrokerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ControlBrokerException(String message) {
    super(message);
  }

  public ControlBrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
