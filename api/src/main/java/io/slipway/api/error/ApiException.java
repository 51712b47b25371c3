package io.slipway.api.error;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * An error that the HTTP API reports to clients: an HTTP status, a stable machine-readable code and
 * a message that names the value at fault and the fix. {@link ApiErrorHandler} turns it into a JSON
 * response. Prefer the {@link ErrorCode} constructor, which keeps code and status together.
 */
public class ApiException extends RuntimeException {

  private final HttpStatus status;
  private final String code;

  /** Creates an error with a code from {@link ErrorCode} and the status it maps to. */
  public ApiException(ErrorCode code, String message) {
    this(code.status(), code.name(), message);
  }

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
