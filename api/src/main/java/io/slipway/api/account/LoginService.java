package io.slipway.api.account;

import io.slipway.api.account.session.SessionService;
import io.slipway.api.account.session.SessionService.IssuedSession;
import io.slipway.api.account.totp.TotpService;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Signs users in with user name, password and, when they turned TOTP on, a TOTP code or an unused
 * recovery code. Checks run in this order: lockout of the user name or source address, password,
 * disabled account, second factor. Every outcome is audited. Safe for concurrent use.
 *
 * <p>Not transactional on purpose: a failure count and its audit entry must be stored even though
 * the request then fails.
 */
@Service
public class LoginService {

  private static final Logger log = LoggerFactory.getLogger(LoginService.class);

  // A character takes at most two UTF-16 units (a surrogate pair), so every password the policy
  // accepts fits.
  private static final int MAX_PASSWORD_CHARS = PasswordPolicy.MAX_LENGTH * 2;

  private final UserRepository users;
  private final Passwords passwords;
  private final LoginThrottle throttle;
  private final TotpService totp;
  private final SessionService sessions;
  private final AuditLog auditLog;

  LoginService(
      UserRepository users,
      Passwords passwords,
      LoginThrottle throttle,
      TotpService totp,
      SessionService sessions,
      AuditLog auditLog) {
    this.users = users;
    this.passwords = passwords;
    this.throttle = throttle;
    this.totp = totp;
    this.sessions = sessions;
    this.auditLog = auditLog;
  }

  /**
   * Sign-in request of a client; {@link #toString()} masks the secrets.
   *
   * @param totp the current TOTP code, for users with TOTP on
   * @param recoveryCode an unused recovery code, in place of {@code totp}
   */
  public record Credentials(String username, String password, String totp, String recoveryCode) {
    @Override
    public String toString() {
      return "Credentials[username=" + username + ", password=****, totp=****, recoveryCode=****]";
    }
  }

  /**
   * Signs in and starts a session.
   *
   * @param address the source address of the request, for lockout and audit
   * @throws LoginLockedException when the user name or address is locked out
   * @throws ApiException {@code INVALID_CREDENTIALS}, {@code USER_DISABLED}, {@code TOTP_REQUIRED},
   *     {@code INVALID_TOTP_CODE} or {@code INVALID_RECOVERY_CODE}
   */
  public IssuedSession login(Credentials credentials, String address) {
    String username = credentials.username() == null ? "" : credentials.username().strip();
    if (username.isEmpty() || credentials.password() == null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Send a JSON body with 'username' and 'password', and 'totp' or 'recoveryCode' when"
              + " TOTP is on");
    }
    requireNotLocked(username, address);

    User user = checkPassword(username, credentials.password(), address);
    if (user.disabled()) {
      auditLog.denied(
          Identity.anonymous(), "user.login.failed", "user", username, null, reason("disabled"));
      throw new ApiException(
          ErrorCode.USER_DISABLED,
          "User '" + username + "' is disabled; ask a server administrator to enable it");
    }

    String method = "password";
    if (user.totpEnabled()) {
      method = checkSecondFactorAudited(user, credentials, address);
    }

    throttle.recordSuccess(username);
    IssuedSession session = sessions.issue(user.id(), method);
    Identity who =
        Identity.user(user.id(), username, user.serverAdmin(), Identity.Credential.SESSION);
    auditLog.record(who, "user.login", "user", username, null, Map.of("method", method));
    log.info("User '{}' (id {}) signed in with {}", username, user.id(), method);
    return session;
  }

  private void requireNotLocked(String username, String address) {
    try {
      throttle.requireNotLocked(username, address);
    } catch (LoginLockedException e) {
      auditLog.denied(
          Identity.anonymous(), "user.login.failed", "user", username, null, reason("locked"));
      throw e;
    }
  }

  private User checkPassword(String username, String password, String address) {
    Optional<User> user = users.findByUsername(username);
    String hash = user.flatMap(found -> users.findPasswordHash(found.id())).orElse(null);
    // No stored password is this long, so a huge one fails without costing a full hash of it.
    String candidate = password.length() > MAX_PASSWORD_CHARS ? null : password;
    if (passwords.matches(candidate, hash)) {
      return user.orElseThrow();
    }

    auditLog.denied(
        Identity.anonymous(),
        "user.login.failed",
        "user",
        username,
        null,
        reason(user.isPresent() ? "wrong password" : "unknown user"));
    failed(username, address);
    // One message for both cases, so that it does not tell which user names exist.
    throw new ApiException(
        ErrorCode.INVALID_CREDENTIALS,
        "Invalid user name or password for '"
            + username
            + "': check both; repeated failures lock the account for a while");
  }

  private String checkSecondFactorAudited(User user, Credentials credentials, String address) {
    try {
      return checkSecondFactor(user, credentials, address);
    } catch (ApiException e) {
      if (!e.code().equals(ErrorCode.TOTP_REQUIRED.name())) {
        auditLog.denied(
            Identity.anonymous(),
            "user.login.failed",
            "user",
            user.username(),
            null,
            reason(e.code().toLowerCase(Locale.ROOT).replace('_', ' ')));
      }
      throw e;
    }
  }

  private String checkSecondFactor(User user, Credentials credentials, String address) {
    Identity actor = Identity.anonymous();
    if (present(credentials.totp())) {
      totp.requireCode(actor, user, credentials.totp(), address);
      return "password+totp";
    }
    if (present(credentials.recoveryCode())) {
      totp.requireRecoveryCode(actor, user, credentials.recoveryCode(), address);
      return "password+recovery-code";
    }
    // The password was right: asking for the second factor is not a failure.
    throw new ApiException(
        ErrorCode.TOTP_REQUIRED,
        "User '"
            + user.username()
            + "' has TOTP on: send the current code from the authenticator app as 'totp', or an"
            + " unused recovery code as 'recoveryCode'");
  }

  private void failed(String username, String address) {
    Optional<LoginLockedException> lockout = throttle.recordFailure(username, address);
    if (lockout.isPresent()) {
      throw lockout.get();
    }
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static Map<String, Object> reason(String reason) {
    return Map.of("reason", reason);
  }
}
