package io.slipway.api.account.totp;

import io.slipway.api.account.LoginLockedException;
import io.slipway.api.account.LoginThrottle;
import io.slipway.api.account.User;
import io.slipway.api.account.totp.TotpRepository.TotpState;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * TOTP two-factor authentication of users: enrolment, confirmation, code checks with replay
 * protection, recovery codes and removal. Failed codes count toward the user's lockout like failed
 * passwords. Safe for concurrent use.
 *
 * <p>Secrets are stored encrypted by {@link TotpSecretCipher}, never logged, and shown to the user
 * once, at enrolment.
 */
@Service
public class TotpService {

  /** Issuer shown by authenticator apps and used as the label prefix. */
  public static final String ISSUER = "Slipway";

  private static final int SECRET_BYTES = 20;

  private final TotpRepository repository;
  private final TotpSecretCipher cipher;
  private final LoginThrottle throttle;
  private final AuditLog auditLog;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  TotpService(
      TotpRepository repository,
      TotpSecretCipher cipher,
      LoginThrottle throttle,
      AuditLog auditLog,
      Clock clock) {
    this.repository = repository;
    this.cipher = cipher;
    this.throttle = throttle;
    this.auditLog = auditLog;
    this.clock = clock;
  }

  /**
   * A started enrolment, shown to the user once.
   *
   * @param secret the base32 secret to type into an app
   * @param otpauthUri the same as a URI to show as a QR code
   */
  public record Enrolment(String secret, String otpauthUri) {
    @Override
    public String toString() {
      return "Enrolment[****]";
    }
  }

  /** State of a user's TOTP, without the secret. */
  public record Status(boolean enabled, boolean pending, int unusedRecoveryCodes) {}

  public Status status(User user) {
    TotpState state = state(user);
    int unused = state.enabled() ? repository.countUnusedRecoveryCodes(user.id()) : 0;
    return new Status(state.enabled(), !state.enabled() && state.secret() != null, unused);
  }

  /**
   * Starts an enrolment with a new secret, replacing one that was never confirmed.
   *
   * @throws ApiException {@code TOTP_ALREADY_ENABLED} when TOTP is on; disable it first
   */
  public Enrolment enrol(User user) {
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    String encoded = Base32.encode(secret);
    if (!repository.startEnrolment(user.id(), cipher.seal(user.id(), encoded))) {
      throw alreadyEnabled(user);
    }
    return new Enrolment(encoded, otpauthUri(user.username(), encoded));
  }

  /**
   * Turns TOTP on when {@code code} is valid for the secret of the started enrolment, and returns
   * the first recovery codes.
   *
   * @throws ApiException {@code TOTP_NOT_ENROLLED}, {@code TOTP_ALREADY_ENABLED} or {@code
   *     INVALID_TOTP_CODE}
   * @throws LoginLockedException when failures locked the user out
   */
  @Transactional(noRollbackFor = ApiException.class)
  public List<String> confirm(Identity actor, User user, String code, String address) {
    TotpState state = state(user);
    if (state.enabled()) {
      throw alreadyEnabled(user);
    }
    if (state.secret() == null) {
      throw new ApiException(
          ErrorCode.TOTP_NOT_ENROLLED,
          "User '"
              + user.username()
              + "' has not started a TOTP enrolment: POST /api/v1/user/totp first");
    }
    requireValidCode(actor, user, state, code, address);

    repository.enable(user.id());
    return replaceRecoveryCodes(user);
  }

  /**
   * Checks {@code code} for a user with TOTP on, counting a failure toward lockout; the code is
   * accepted at most once.
   *
   * @throws ApiException {@code INVALID_TOTP_CODE} when it is wrong, too old or used already
   * @throws LoginLockedException when this failure locked the user out
   */
  public void requireCode(Identity actor, User user, String code, String address) {
    TotpState state = state(user);
    if (!state.enabled()) {
      throw notEnabled(user);
    }
    requireValidCode(actor, user, state, code, address);
  }

  /**
   * Consumes an unused recovery code of the user, counting a failure toward lockout.
   *
   * @throws ApiException {@code INVALID_RECOVERY_CODE} when it is unknown or used already
   * @throws LoginLockedException when this failure locked the user out
   */
  public void requireRecoveryCode(Identity actor, User user, String code, String address) {
    if (code != null
        && repository.useRecoveryCode(user.id(), RecoveryCodes.hash(code), clock.millis())) {
      auditLog.record(actor, "recovery-code.used", "user", user.username(), null, Map.of());
      return;
    }
    auditLog.denied(actor, "recovery-code.failed", "user", user.username(), null, Map.of());
    throwLockoutIfStarted(user, address);
    throw new ApiException(
        ErrorCode.INVALID_RECOVERY_CODE,
        "The recovery code for user '"
            + user.username()
            + "' is unknown or was used already: each code works once; try another");
  }

  /**
   * Replaces the user's recovery codes with new ones.
   *
   * @throws ApiException {@code TOTP_NOT_ENABLED} when TOTP is off
   */
  @Transactional
  public List<String> regenerateRecoveryCodes(User user) {
    if (!state(user).enabled()) {
      throw notEnabled(user);
    }
    return replaceRecoveryCodes(user);
  }

  /**
   * Turns TOTP off and deletes the secret and recovery codes.
   *
   * @throws ApiException {@code TOTP_NOT_ENABLED} when it is off
   */
  @Transactional
  public void disable(User user) {
    TotpState state = state(user);
    if (!state.enabled() && state.secret() == null) {
      throw notEnabled(user);
    }
    repository.disable(user.id());
    repository.deleteRecoveryCodes(user.id());
  }

  /** Returns the URI that authenticator apps read from a QR code (Key URI Format). */
  static String otpauthUri(String username, String secret) {
    // The colon between issuer and account name stays literal, as the Key URI Format shows it.
    String label = encode(ISSUER) + ":" + encode(username);
    return "otpauth://totp/"
        + label
        + "?secret="
        + secret
        + "&issuer="
        + encode(ISSUER)
        + "&algorithm=SHA1&digits="
        + Totp.DIGITS
        + "&period="
        + Totp.STEP_SECONDS;
  }

  private void requireValidCode(
      Identity actor, User user, TotpState state, String code, String address) {
    byte[] secret = Base32.decode(cipher.open(user.id(), state.secret()));
    long last = state.lastUsedStep() == null ? Long.MIN_VALUE : state.lastUsedStep();
    OptionalLong step = Totp.verify(secret, code, clock.millis(), last);
    // The conditional update makes two requests with the same code accept it once.
    if (step.isPresent() && repository.useStep(user.id(), step.getAsLong())) {
      return;
    }
    auditLog.denied(actor, "totp.code.failed", "user", user.username(), null, Map.of());
    throwLockoutIfStarted(user, address);
    throw new ApiException(
        ErrorCode.INVALID_TOTP_CODE,
        "The TOTP code for user '"
            + user.username()
            + "' is wrong, expired or used already: type the current code from your"
            + " authenticator app, or wait for the next one");
  }

  private void throwLockoutIfStarted(User user, String address) {
    Optional<LoginLockedException> lockout = throttle.recordFailure(user.username(), address);
    if (lockout.isPresent()) {
      throw lockout.get();
    }
  }

  private List<String> replaceRecoveryCodes(User user) {
    List<String> codes = RecoveryCodes.generate(random);
    repository.deleteRecoveryCodes(user.id());
    repository.insertRecoveryCodes(
        user.id(), codes.stream().map(RecoveryCodes::hash).toList(), clock.millis());
    return codes;
  }

  private TotpState state(User user) {
    return repository
        .find(user.id())
        .orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.USER_NOT_FOUND,
                    "User '" + user.username() + "' no longer exists; sign in again"));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static ApiException alreadyEnabled(User user) {
    return new ApiException(
        ErrorCode.TOTP_ALREADY_ENABLED,
        "TOTP is already enabled for user '"
            + user.username()
            + "': disable it first (DELETE /api/v1/user/totp) to enrol a new secret");
  }

  private static ApiException notEnabled(User user) {
    return new ApiException(
        ErrorCode.TOTP_NOT_ENABLED,
        "TOTP is not enabled for user '"
            + user.username()
            + "': enrol with POST /api/v1/user/totp and confirm a code first");
  }
}
