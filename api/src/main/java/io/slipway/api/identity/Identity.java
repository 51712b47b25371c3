package io.slipway.api.identity;

import java.util.Objects;

/**
 * The principal a request acts as, once its credentials are checked.
 *
 * @param kind what sort of principal this is; grants depend on it
 * @param subject stable name of the principal, used as the {@code sub} claim of issued tokens
 */
public record Identity(Kind kind, String subject) {

  /** Subject of the built-in administrator. */
  public static final String ADMIN_SUBJECT = "admin";

  /** Subject of requests without credentials. */
  public static final String ANONYMOUS_SUBJECT = "anonymous";

  /** The sorts of principal; user, device and builder identities are to be added here. */
  public enum Kind {
    /** The built-in administrator, who may do everything. */
    ADMIN,
    /** A request without credentials. */
    ANONYMOUS
  }

  public Identity {
    Objects.requireNonNull(kind, "kind");
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("Identity of kind " + kind + " has a blank subject");
    }
  }

  public static Identity admin() {
    return new Identity(Kind.ADMIN, ADMIN_SUBJECT);
  }

  public static Identity anonymous() {
    return new Identity(Kind.ANONYMOUS, ANONYMOUS_SUBJECT);
  }
}
