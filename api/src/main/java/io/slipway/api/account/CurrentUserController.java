package io.slipway.api.account;

import io.slipway.api.account.session.SessionService;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.ClientAddress;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in user's own account: read it, change the password. */
@RestController
class CurrentUserController {

  private static final Logger log = LoggerFactory.getLogger(CurrentUserController.class);

  private final CurrentUser currentUser;
  private final UserRepository users;
  private final Passwords passwords;
  private final LoginThrottle throttle;
  private final SessionService sessions;
  private final AuditLog auditLog;
  private final Clock clock;

  CurrentUserController(
      CurrentUser currentUser,
      UserRepository users,
      Passwords passwords,
      LoginThrottle throttle,
      SessionService sessions,
      AuditLog auditLog,
      Clock clock) {
    this.currentUser = currentUser;
    this.users = users;
    this.passwords = passwords;
    this.throttle = throttle;
    this.sessions = sessions;
    this.auditLog = auditLog;
    this.clock = clock;
  }

  /** Body of {@code PUT /api/v1/user/password}; {@link #toString()} masks both passwords. */
  record ChangePassword(String currentPassword, String newPassword) {
    @Override
    public String toString() {
      return "ChangePassword[****]";
    }
  }

  @GetMapping("/api/v1/user")
  UserBody get(Identity who) {
    return UserBody.of(currentUser.require(who));
  }

  /**
   * Changes the caller's password. The current password is required when one is set. An account
   * without one, such as the bootstrap administrator, sets its first password with its session or
   * API token alone. A wrong current password counts toward lockout. The change ends every session
   * of the user, this one too.
   */
  @PutMapping("/api/v1/user/password")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void changePassword(Identity who, @RequestBody ChangePassword body, HttpServletRequest request) {
    User user = currentUser.require(who);
    String address = ClientAddress.of(request);
    throttle.requireNotLocked(user.username(), address);

    Optional<String> stored = users.findPasswordHash(user.id());
    if (stored.isPresent() && !passwords.matches(body.currentPassword(), stored.get())) {
      auditLog.denied(who, "user.password.change.failed", "user", user.username(), null, Map.of());
      Optional<LoginLockedException> lockout = throttle.recordFailure(user.username(), address);
      if (lockout.isPresent()) {
        throw lockout.get();
      }
      throw new ApiException(
          ErrorCode.INVALID_CURRENT_PASSWORD,
          "The current password of user '"
              + user.username()
              + "' is wrong: send it as 'currentPassword' with the new one as 'newPassword'");
    }

    String hash = passwords.hashNew(user.username(), body.newPassword());
    users.updatePasswordHash(user.id(), hash, clock.millis());
    sessions.revokeAll(user.id());
    auditLog.record(
        who,
        "user.password.changed",
        "user",
        user.username(),
        null,
        Map.of("first", stored.isEmpty()));
    log.info("User '{}' (id {}) changed the password; sessions ended", user.username(), user.id());
  }
}
