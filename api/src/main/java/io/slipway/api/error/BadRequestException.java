package io.slipway.api.error;

import org.springframework.http.HttpStatus;

/** A request that is malformed or names an unknown value. The response is 400 Bad Request. */
public class BadRequestException extends ApiException {

  public BadRequestException(String code, String message) {
    super(HttpStatus.BAD_REQUEST, code, message);
  }
}
