package io.slipway.api.error;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Base of the errors that the HTTP API reports to clients: each carries an HTTP status, a stable
 * machine-readable code and a message that names the value at fault and the fix. {@link
 * ApiErrorHandler} turns them into JSON responses.
 */
public abstract class ApiException extends RuntimeException {

  private final HttpStatus status;
  private final String code;

  protected ApiException(HttpStatus status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public HttpStatus status() {
    return status;
  }

  /** Returns the stable error code, such as {@code UNAUTHORIZED} or {@code INVALID_SCOPE}. */
  public String code() {
    return code;
  }

  /** Returns the headers to send with the error response; none by default. */
  public HttpHeaders headers() {
    return HttpHeaders.EMPTY;
  }
}
