package io.slipway.api.account.totp;

import io.slipway.api.account.CurrentUser;
import io.slipway.api.account.LoginLockedException;
import io.slipway.api.account.LoginThrottle;
import io.slipway.api.account.Passwords;
import io.slipway.api.account.User;
import io.slipway.api.account.UserRepository;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.ClientAddress;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's TOTP two-factor authentication: enrol, confirm, regenerate recovery codes, disable.
 * Regenerating codes and disabling need a current TOTP code or the password, so that a stolen
 * session or token alone cannot weaken the account.
 */
@RestController
class TotpController {

  private static final Logger log = LoggerFactory.getLogger(TotpController.class);

  private final CurrentUser currentUser;
  private final TotpService totp;
  private final UserRepository users;
  private final Passwords passwords;
  private final LoginThrottle throttle;
  private final AuditLog auditLog;

  TotpController(
      CurrentUser currentUser,
      TotpService totp,
      UserRepository users,
      Passwords passwords,
      LoginThrottle throttle,
      AuditLog auditLog) {
    this.currentUser = currentUser;
    this.totp = totp;
    this.users = users;
    this.passwords = passwords;
    this.throttle = throttle;
    this.auditLog = auditLog;
  }

  /** Body of {@code POST /api/v1/user/totp/confirm}. */
  record Confirm(String code) {}

  /**
   * Proof of presence for sensitive changes: a TOTP code or the password; {@link #toString()} masks
   * both.
   */
  record Proof(String code, String password) {
    @Override
    public String toString() {
      return "Proof[****]";
    }
  }

  /** The recovery codes, shown once. */
  record RecoveryCodesBody(List<String> recoveryCodes) {
    @Override
    public String toString() {
      return "RecoveryCodesBody[****]";
    }
  }

  @GetMapping("/api/v1/user/totp")
  TotpService.Status status(Identity who) {
    return totp.status(currentUser.require(who));
  }

  /** Starts an enrolment; the secret is shown here once and never again. */
  @PostMapping("/api/v1/user/totp")
  @ResponseStatus(HttpStatus.CREATED)
  TotpService.Enrolment enrol(Identity who) {
    User user = currentUser.require(who);
    TotpService.Enrolment enrolment = totp.enrol(user);
    auditLog.record(who, "totp.enrolment.started", "user", user.username(), null, Map.of());
    return enrolment;
  }

  @PostMapping("/api/v1/user/totp/confirm")
  RecoveryCodesBody confirm(Identity who, @RequestBody Confirm body, HttpServletRequest request) {
    User user = currentUser.require(who);
    String address = ClientAddress.of(request);
    throttle.requireNotLocked(user.username(), address);

    List<String> codes = totp.confirm(who, user, body.code(), address);
    auditLog.record(who, "totp.enabled", "user", user.username(), null, Map.of());
    log.info("User '{}' (id {}) turned TOTP on", user.username(), user.id());
    return new RecoveryCodesBody(codes);
  }

  @PostMapping("/api/v1/user/recovery-codes")
  RecoveryCodesBody regenerate(
      Identity who, @RequestBody(required = false) Proof body, HttpServletRequest request) {
    User user = currentUser.require(who);
    requireProof(who, user, body, ClientAddress.of(request));

    List<String> codes = totp.regenerateRecoveryCodes(user);
    auditLog.record(
        who, "totp.recovery-codes.regenerated", "user", user.username(), null, Map.of());
    return new RecoveryCodesBody(codes);
  }

  @DeleteMapping("/api/v1/user/totp")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void disable(
      Identity who, @RequestBody(required = false) Proof body, HttpServletRequest request) {
    User user = currentUser.require(who);
    requireProof(who, user, body, ClientAddress.of(request));

    totp.disable(user);
    auditLog.record(who, "totp.disabled", "user", user.username(), null, Map.of());
    log.info("User '{}' (id {}) turned TOTP off", user.username(), user.id());
  }

  private void requireProof(Identity who, User user, Proof body, String address) {
    throttle.requireNotLocked(user.username(), address);
    if (body != null && present(body.code()) && user.totpEnabled()) {
      totp.requireCode(who, user, body.code(), address);
      return;
    }
    if (body != null && present(body.password())) {
      requirePassword(who, user, body.password(), address);
      return;
    }
    throw new ApiException(
        ErrorCode.INVALID_REQUEST_BODY,
        "Confirm this change for user '"
            + user.username()
            + "': send {\"code\": \"<current TOTP code>\"} or {\"password\": \"...\"}");
  }

  private void requirePassword(Identity who, User user, String password, String address) {
    String hash = users.findPasswordHash(user.id()).orElse(null);
    if (passwords.matches(password, hash)) {
      return;
    }
    auditLog.denied(who, "user.password.check.failed", "user", user.username(), null, Map.of());
    Optional<LoginLockedException> lockout = throttle.recordFailure(user.username(), address);
    if (lockout.isPresent()) {
      throw lockout.get();
    }
    throw new ApiException(
        ErrorCode.INVALID_CURRENT_PASSWORD,
        "The password of user '" + user.username() + "' is wrong: send the current password");
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
