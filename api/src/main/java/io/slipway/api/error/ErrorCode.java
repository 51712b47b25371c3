package io.slipway.api.error;

import org.springframework.http.HttpStatus;

/**
 * Every stable error code of the HTTP API with the status it maps to, in one place. Clients may
 * match on the names; they never change once released. Add new codes in the block of their area.
 */
public enum ErrorCode {
  // Requests in general.
  INVALID_PARAMETER(HttpStatus.BAD_REQUEST),
  MISSING_PARAMETER(HttpStatus.BAD_REQUEST),
  INVALID_REQUEST_BODY(HttpStatus.BAD_REQUEST),
  NOT_FOUND(HttpStatus.NOT_FOUND),
  CONFLICT(HttpStatus.CONFLICT),
  INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR),

  // Authentication and access.
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED),
  FORBIDDEN(HttpStatus.FORBIDDEN),
  USER_DISABLED(HttpStatus.FORBIDDEN),
  DEVICE_NOT_APPROVED(HttpStatus.FORBIDDEN),

  // Users and organizations.
  USER_NOT_FOUND(HttpStatus.NOT_FOUND),
  USERNAME_TAKEN(HttpStatus.CONFLICT),
  INVALID_USERNAME(HttpStatus.BAD_REQUEST),
  ORGANIZATION_NOT_FOUND(HttpStatus.NOT_FOUND),
  ORGANIZATION_SLUG_TAKEN(HttpStatus.CONFLICT),
  INVALID_SLUG(HttpStatus.BAD_REQUEST),
  INVALID_ROLE(HttpStatus.BAD_REQUEST),
  LAST_OWNER(HttpStatus.CONFLICT),

  // Fleets and devices.
  FLEET_NOT_FOUND(HttpStatus.NOT_FOUND),
  DEVICE_NOT_FOUND(HttpStatus.NOT_FOUND),
  INVALID_DEVICE_UUID(HttpStatus.BAD_REQUEST),

  // Fleets, variables, provisioning keys and registration.
  FLEET_SLUG_TAKEN(HttpStatus.CONFLICT),
  UNKNOWN_DEVICE_TYPE(HttpStatus.BAD_REQUEST),
  DEVICE_TYPE_MISMATCH(HttpStatus.BAD_REQUEST),
  INVALID_VARIABLE(HttpStatus.BAD_REQUEST),
  VARIABLE_NOT_FOUND(HttpStatus.NOT_FOUND),
  PROVISIONING_KEY_NOT_FOUND(HttpStatus.NOT_FOUND),
  PROVISIONING_KEY_NAME_TAKEN(HttpStatus.CONFLICT),
  PROVISIONING_KEY_EXPIRED(HttpStatus.FORBIDDEN),
  PROVISIONING_KEY_USED_UP(HttpStatus.FORBIDDEN),
  PROVISIONING_KEY_REVOKED(HttpStatus.FORBIDDEN),
  DEVICE_UUID_TAKEN(HttpStatus.CONFLICT),
  INVALID_TAG(HttpStatus.BAD_REQUEST),
  TAG_NOT_FOUND(HttpStatus.NOT_FOUND),

  // Releases, promotion and target state.
  RELEASE_NOT_FOUND(HttpStatus.NOT_FOUND),
  RELEASE_FINAL(HttpStatus.CONFLICT),
  RELEASE_INCOMPLETE(HttpStatus.CONFLICT),
  RELEASE_NOT_DEPLOYABLE(HttpStatus.CONFLICT),
  INVALID_VERSION(HttpStatus.BAD_REQUEST),
  VERSION_TAKEN(HttpStatus.CONFLICT),
  INVALID_IMAGE_REFERENCE(HttpStatus.BAD_REQUEST),
  INVALID_SERVICE(HttpStatus.BAD_REQUEST),
  INVALID_STATE_REPORT(HttpStatus.BAD_REQUEST),

  // OpenID Connect sign-in.
  OIDC_PROVIDER_NOT_FOUND(HttpStatus.NOT_FOUND),
  OIDC_PROVIDER_UNAVAILABLE(HttpStatus.BAD_GATEWAY),
  OIDC_INVALID_REDIRECT(HttpStatus.BAD_REQUEST),
  OIDC_STATE_INVALID(HttpStatus.BAD_REQUEST),
  OIDC_STATE_EXPIRED(HttpStatus.BAD_REQUEST),
  OIDC_STATE_REUSED(HttpStatus.BAD_REQUEST),
  OIDC_PROVIDER_ERROR(HttpStatus.UNAUTHORIZED),
  OIDC_TOKEN_EXCHANGE_FAILED(HttpStatus.BAD_GATEWAY),
  OIDC_ID_TOKEN_INVALID(HttpStatus.UNAUTHORIZED),
  OIDC_USER_NOT_LINKED(HttpStatus.FORBIDDEN),

  // Device logs.
  DEVICE_LOG_BATCH_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),
  DEVICE_LOG_INVALID_LINE(HttpStatus.BAD_REQUEST),
  DEVICE_LOG_FOLLOWERS_EXCEEDED(HttpStatus.TOO_MANY_REQUESTS);

  private final HttpStatus status;

  ErrorCode(HttpStatus status) {
    this.status = status;
  }

  /** Returns the HTTP status that responses with this code carry. */
  public HttpStatus status() {
    return status;
  }
}
