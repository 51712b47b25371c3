package io.slipway.registry.mirror;

/**
 * Thrown when an upstream registry cannot be reached, responds to a request with an error status,
 * or sends a response that cannot be used. The message names the upstream URL and the fault.
 */
final class UpstreamException extends RuntimeException {

  /** The status of a failure without a usable HTTP response: unreachable, or invalid content. */
  static final int NO_STATUS = 0;

  private final int status;

  /** A failure of a request that got an HTTP response with {@code status}. */
  UpstreamException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** A response that arrived but cannot be used, such as one over a size limit. */
  UpstreamException(String message) {
    this(NO_STATUS, message);
  }

  /** A request that got no response because of {@code cause}. */
  UpstreamException(String message, Throwable cause) {
    super(message, cause);
    this.status = NO_STATUS;
  }

  /**
   * Returns the upstream's HTTP status, or {@link #NO_STATUS} when there was no usable response.
   */
  int status() {
    return status;
  }

  /** Returns true when the upstream responded with 404 because it lacks what was requested. */
  boolean notFound() {
    return status == 404;
  }
}
