package io.slipway.api.account;

import io.slipway.api.access.AccessControl;
import io.slipway.api.account.session.SessionService;
import io.slipway.api.apitoken.ApiTokenRepository;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** User accounts as server administrators manage them: create, list, disable and enable. */
@RestController
class UserAdminController {

  private static final Logger log = LoggerFactory.getLogger(UserAdminController.class);

  private final AccessControl access;
  private final UserRepository users;
  private final Passwords passwords;
  private final SessionService sessions;
  private final ApiTokenRepository apiTokens;
  private final AuditLog auditLog;
  private final Clock clock;

  UserAdminController(
      AccessControl access,
      UserRepository users,
      Passwords passwords,
      SessionService sessions,
      ApiTokenRepository apiTokens,
      AuditLog auditLog,
      Clock clock) {
    this.access = access;
    this.users = users;
    this.passwords = passwords;
    this.sessions = sessions;
    this.apiTokens = apiTokens;
    this.auditLog = auditLog;
    this.clock = clock;
  }

  /** Body of {@code POST /api/v1/users}; {@link #toString()} masks the password. */
  record CreateUser(String username, String password, String email, Boolean serverAdmin) {
    @Override
    public String toString() {
      return "CreateUser[username=" + username + ", password=****]";
    }
  }

  /** Body of {@code PATCH /api/v1/users/{username}}. */
  record UpdateUser(Boolean disabled) {}

  @PostMapping("/api/v1/users")
  @ResponseStatus(HttpStatus.CREATED)
  @Transactional
  UserBody create(Identity who, @RequestBody CreateUser body) {
    access.requireServerAdmin(who);
    Username username = new Username(body.username());
    String hash = passwords.hashNew(username.value(), body.password());
    boolean admin = Boolean.TRUE.equals(body.serverAdmin());

    long id;
    try {
      id = users.insert(username.value(), blankToNull(body.email()), hash, admin, clock.millis());
    } catch (DuplicateKeyException e) {
      throw new ApiException(
          ErrorCode.USERNAME_TAKEN, "User name '" + username + "' is taken; choose another");
    }
    auditLog.record(
        who, "user.created", "user", username.value(), null, Map.of("serverAdmin", admin));
    log.info("User '{}' (id {}) created by '{}'", username, id, who.subject());
    return UserBody.of(users.findById(id).orElseThrow());
  }

  @GetMapping("/api/v1/users")
  List<UserBody> list(Identity who) {
    access.requireServerAdmin(who);
    return users.findAll().stream().map(UserBody::of).toList();
  }

  /**
   * Disables or enables a user. Disabling revokes every session and API token of the user at once,
   * so nothing issued before keeps working after a later enable.
   */
  @PatchMapping("/api/v1/users/{username}")
  @Transactional
  UserBody update(Identity who, @PathVariable String username, @RequestBody UpdateUser body) {
    access.requireServerAdmin(who);
    User user =
        users
            .findByUsername(username)
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.USER_NOT_FOUND,
                        "User '" + username + "' does not exist; GET /api/v1/users lists them"));
    if (body.disabled() == null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Send {\"disabled\": true} to disable user '"
              + username
              + "' or {\"disabled\": false} to enable it");
    }

    if (body.disabled()) {
      disable(who, user);
    } else if (user.disabled()) {
      users.updateDisabledAt(user.id(), null);
      auditLog.record(who, "user.enabled", "user", username, null, Map.of());
      log.info("User '{}' (id {}) enabled by '{}'", username, user.id(), who.subject());
    }
    return UserBody.of(users.findById(user.id()).orElseThrow());
  }

  private void disable(Identity who, User user) {
    if (user.id() == who.id()) {
      throw new ApiException(
          ErrorCode.CANNOT_DISABLE_SELF,
          "User '" + user.username() + "' cannot disable itself; ask another server administrator");
    }
    if (user.disabled()) {
      return;
    }
    long now = clock.millis();
    users.updateDisabledAt(user.id(), now);
    sessions.revokeAll(user.id());
    int tokens = apiTokens.revokeAllOfUser(user.id(), now);
    auditLog.record(
        who, "user.disabled", "user", user.username(), null, Map.of("revokedApiTokens", tokens));
    log.info(
        "User '{}' (id {}) disabled by '{}'; sessions and {} API tokens revoked",
        user.username(),
        user.id(),
        who.subject(),
        tokens);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
