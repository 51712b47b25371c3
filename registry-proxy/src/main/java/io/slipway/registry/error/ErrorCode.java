package io.slipway.registry.error;

/**
 * The error codes of the OCI distribution specification, each with the HTTP status this registry
 * sends it with. This enum is the one place where registry errors map to HTTP.
 */
public enum ErrorCode {
  BLOB_UNKNOWN(404),
  BLOB_UPLOAD_INVALID(400),
  BLOB_UPLOAD_UNKNOWN(404),
  DIGEST_INVALID(400),
  MANIFEST_BLOB_UNKNOWN(404),
  MANIFEST_INVALID(400),
  MANIFEST_UNKNOWN(404),
  NAME_INVALID(400),
  NAME_UNKNOWN(404),
  SIZE_INVALID(400),
  /** Not in the specification's table, but distribution returns it for invalid tags. */
  TAG_INVALID(400),
  UNAUTHORIZED(401),
  DENIED(403),
  UNSUPPORTED(405),
  TOOMANYREQUESTS(429),
  /** A chunk that does not start at the upload's current offset. */
  RANGE_INVALID(416),
  /** A blob download whose Range lies outside the blob; the specification names no code for it. */
  RANGE_NOT_SATISFIABLE(416),
  /** A manifest or upload over the configured size limit. */
  TOO_LARGE(413),
  /** A delete of a blob or manifest that a stored manifest still names. */
  STILL_REFERENCED(409),
  /** An upstream registry of a pull-through cache could not be reached or failed. */
  UPSTREAM_FAILED(502);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  /** Returns the HTTP status code that this error is sent with. */
  public int status() {
    return status;
  }

  /**
   * Returns the code as written in the {@code errors[]} envelope. Codes outside the specification
   * use the nearest code that it defines, so that clients recognise them.
   */
  public String wireCode() {
    return switch (this) {
      case RANGE_INVALID -> "BLOB_UPLOAD_INVALID";
      case TOO_LARGE -> "SIZE_INVALID";
      case STILL_REFERENCED -> "DENIED";
      case UPSTREAM_FAILED -> "UNKNOWN";
      default -> name();
    };
  }
}
