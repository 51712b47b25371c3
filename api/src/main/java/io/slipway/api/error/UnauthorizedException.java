package io.slipway.api.error;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Missing or wrong credentials. The response is 401 Unauthorized with a challenge for HTTP Basic
 * authentication.
 */
public class UnauthorizedException extends ApiException {

  /** Code of every error of this type. */
  public static final String CODE = "UNAUTHORIZED";

  /** Challenge sent with each 401 response. */
  public static final String BASIC_CHALLENGE = "Basic realm=\"slipway\"";

  public UnauthorizedException(String message) {
    super(HttpStatus.UNAUTHORIZED, CODE, message);
  }

  @Override
  public HttpHeaders headers() {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.WWW_AUTHENTICATE, BASIC_CHALLENGE);
    return headers;
  }
}
