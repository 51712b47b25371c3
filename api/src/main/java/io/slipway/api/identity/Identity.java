package io.slipway.api.identity;

import java.util.Objects;

/**
 * The principal a request acts as, once its credentials are checked. Immutable.
 *
 * @param kind what sort of principal this is; what it may do depends on it
 * @param subject stable name of the principal: the user name, the device UUID, {@code
 *     provisioning-key:<id>} or {@code anonymous}; used as the {@code sub} claim of issued tokens
 * @param id row id of the user, device or provisioning key; 0 for anonymous and builders
 * @param fleetId the fleet of a device, provisioning key or builder; 0 for other kinds
 * @param serverAdmin true for a user who administers the whole server
 * @param credential what the request presented
 */
public record Identity(
    Kind kind, String subject, long id, long fleetId, boolean serverAdmin, Credential credential) {

  /** Name of the built-in administrator user. */
  public static final String ADMIN_SUBJECT = "admin";

  /** Subject of the server's builder, and the user name it sends with its secret. */
  public static final String BUILDER_SUBJECT = "slipway-builder";

  /** Subject of requests without credentials. */
  public static final String ANONYMOUS_SUBJECT = "anonymous";

  /** The sorts of principal. */
  public enum Kind {
    /** A person or their tool, signed in or with an API token. */
    USER,
    /** A device with its device API key. */
    DEVICE,
    /** A provisioning key, which may only register a device. */
    PROVISIONING_KEY,
    /** A request without credentials. */
    ANONYMOUS,
    /** The server itself, acting on a schedule, such as the rollout scheduler. */
    SYSTEM,
    /**
     * The server's own builder with a short-lived secret of one build: it may only push to and pull
     * from its fleet's repositories and pull its organization's.
     */
    BUILDER
  }

  /** The kind of secret a request presented to prove its identity. */
  public enum Credential {
    API_TOKEN,
    SESSION,
    DEVICE_KEY,
    PROVISIONING_KEY,
    BUILDER_SECRET,
    /** A public key registered with Slipway, at the SSH gateway. */
    SSH_KEY,
    NONE
  }

  public Identity {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(credential, "credential");
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("Identity of kind " + kind + " has a blank subject");
    }
    if (serverAdmin && kind != Kind.USER) {
      throw new IllegalArgumentException(
          "Only a user can administer the server, not " + kind + " '" + subject + "'");
    }
  }

  /** A user authenticated by {@code credential}. */
  public static Identity user(
      long userId, String username, boolean serverAdmin, Credential credential) {
    return new Identity(Kind.USER, username, userId, 0, serverAdmin, credential);
  }

  /** Creates the identity of a device authenticated by its device API key. */
  public static Identity device(long deviceId, String uuid, long fleetId) {
    return new Identity(Kind.DEVICE, uuid, deviceId, fleetId, false, Credential.DEVICE_KEY);
  }

  /** Creates the identity of a provisioning key of {@code fleetId}. */
  public static Identity provisioningKey(long keyId, long fleetId) {
    return new Identity(
        Kind.PROVISIONING_KEY,
        "provisioning-key:" + keyId,
        keyId,
        fleetId,
        false,
        Credential.PROVISIONING_KEY);
  }

  /**
   * Creates the identity of a server task, whose subject is {@code system:<task>}. It has no
   * credential and is never the result of authentication; it names the actor in the audit log.
   */
  public static Identity system(String task) {
    return new Identity(Kind.SYSTEM, "system:" + task, 0, 0, false, Credential.NONE);
  }

  /**
   * Creates the identity of a builder secret issued for building releases of {@code fleetId}. Its
   * subject is {@value #BUILDER_SUBJECT}.
   */
  public static Identity builder(long fleetId) {
    return new Identity(
        Kind.BUILDER, BUILDER_SUBJECT, 0, fleetId, false, Credential.BUILDER_SECRET);
  }

  public static Identity anonymous() {
    return new Identity(Kind.ANONYMOUS, ANONYMOUS_SUBJECT, 0, 0, false, Credential.NONE);
  }

  public boolean isUser() {
    return kind == Kind.USER;
  }

  public boolean isDevice() {
    return kind == Kind.DEVICE;
  }

  public boolean isAnonymous() {
    return kind == Kind.ANONYMOUS;
  }
}
