package io.slipway.api.account;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import org.springframework.http.HttpHeaders;

/**
 * A sign-in or TOTP check refused because too many failures locked the user name or source address
 * out: {@code 429 LOGIN_LOCKED} with a {@code Retry-After} header in seconds.
 */
public class LoginLockedException extends ApiException {

  private final long retryAfterSeconds;

  public LoginLockedException(String message, long retryAfterSeconds) {
    super(ErrorCode.LOGIN_LOCKED, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Returns how long the lockout lasts from now, in whole seconds rounded up. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public HttpHeaders headers() {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    return headers;
  }
}
