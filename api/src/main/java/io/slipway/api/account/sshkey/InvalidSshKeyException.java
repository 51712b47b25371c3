package io.slipway.api.account.sshkey;

/** A public key line that Slipway rejects; {@link #reason()} gives the cause. */
public class InvalidSshKeyException extends RuntimeException {

  /** The cause of a rejected key. */
  public enum Reason {
    /** Not the OpenSSH one-line format, bad base64, or a blob that contradicts its type. */
    MALFORMED,
    /** A key algorithm Slipway does not accept, such as DSA. */
    UNSUPPORTED_TYPE,
    /** An accepted algorithm with too short a key, such as RSA under 3072 bits. */
    TOO_WEAK
  }

  private final Reason reason;

  public InvalidSshKeyException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
