package io.slipway.api.account;

import io.slipway.api.account.LoginThrottleRepository.Scope;
import io.slipway.api.account.LoginThrottleRepository.Throttle;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Counts failed sign-ins and TOTP codes per user name and per source address, and locks either out
 * for a while when its failures reach the limit: the first lockout lasts {@code duration}, each
 * next one in a row twice as long, up to {@code maxDuration}. State lives in the database, so a
 * restart keeps a lockout. A success resets the user name's count. An address's count only expires,
 * because otherwise an attacker's own valid account could clear the count of the address it guesses
 * from. Safe for concurrent use.
 */
@Service
public class LoginThrottle {

  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

  private static final int MAX_KEY_LENGTH = 255;

  private final LoginThrottleRepository repository;
  private final AccountProperties.Lockout settings;
  private final AuditLog auditLog;
  private final Clock clock;

  LoginThrottle(
      LoginThrottleRepository repository,
      AccountProperties properties,
      AuditLog auditLog,
      Clock clock) {
    this.repository = repository;
    this.settings = properties.lockout();
    this.auditLog = auditLog;
    this.clock = clock;
  }

  /**
   * Refuses the attempt when {@code username} or {@code address} is locked out.
   *
   * @param address source address, or null when unknown
   * @throws LoginLockedException naming which one is locked and for how long
   */
  public void requireNotLocked(String username, String address) {
    long now = clock.millis();
    Optional<Long> userUntil = lockedUntil(Scope.USER, key(username), now);
    if (userUntil.isPresent()) {
      throw locked("User '" + username + "' is", userUntil.get(), now);
    }
    if (address != null) {
      Optional<Long> addressUntil = lockedUntil(Scope.ADDRESS, address, now);
      if (addressUntil.isPresent()) {
        throw locked("Source address " + address + " is", addressUntil.get(), now);
      }
    }
  }

  /**
   * Counts a failure of {@code username} from {@code address}, and audits the lockout it starts.
   *
   * @param address source address, or null when unknown
   * @return the exception that reports the lockout this failure started, if it started one
   */
  public Optional<LoginLockedException> recordFailure(String username, String address) {
    Optional<LoginLockedException> userLockout =
        count(Scope.USER, key(username), settings.userFailures(), "User '" + username + "' is");
    Optional<LoginLockedException> addressLockout =
        address == null
            ? Optional.empty()
            : count(
                Scope.ADDRESS,
                address,
                settings.addressFailures(),
                "Source address " + address + " is");
    return userLockout.isPresent() ? userLockout : addressLockout;
  }

  /** Forgets the failures of {@code username} after it proved itself. */
  public void recordSuccess(String username) {
    repository.reset(Scope.USER, key(username));
  }

  private Optional<Long> lockedUntil(Scope scope, String subject, long now) {
    return repository.find(scope, subject).map(Throttle::lockedUntil).filter(until -> until > now);
  }

  private Optional<LoginLockedException> count(
      Scope scope, String subject, int limit, String what) {
    long now = clock.millis();
    long window = settings.duration().toMillis();
    Throttle after =
        repository.recordFailure(scope, subject, now, now - window, now - streakMemory());
    if (after.failures() < limit) {
      return Optional.empty();
    }

    Duration duration = lockoutDuration(settings, after.lockouts());
    if (!repository.lock(scope, subject, after.failures(), now + duration.toMillis())) {
      return Optional.empty();
    }
    int inRow = after.lockouts() + 1;
    log.warn(
        "Locked out {} '{}' for {} s after {} failures (lockout {} in a row)",
        scope.name().toLowerCase(Locale.ROOT),
        subject,
        duration.toSeconds(),
        after.failures(),
        inRow);
    auditLog.record(
        Identity.anonymous(),
        scope == Scope.USER ? "user.locked" : "address.locked",
        scope == Scope.USER ? "user" : "address",
        subject,
        null,
        Map.of("seconds", duration.toSeconds(), "failures", after.failures(), "inRow", inRow));
    return Optional.of(locked(what, now + duration.toMillis(), now));
  }

  /** Returns the length of the lockout that follows {@code previous} lockouts in a row. */
  static Duration lockoutDuration(AccountProperties.Lockout settings, int previous) {
    Duration duration = settings.duration();
    for (int i = 0; i < previous && duration.compareTo(settings.maxDuration()) < 0; i++) {
      duration = duration.multipliedBy(2);
    }
    return duration.compareTo(settings.maxDuration()) > 0 ? settings.maxDuration() : duration;
  }

  /** Returns how long a lockout streak is kept without failures: twice the longest lockout. */
  private long streakMemory() {
    return settings.maxDuration().toMillis() * 2;
  }

  /** Returns the row key of a user name as typed: lower case, cut to fit the column. */
  private static String key(String username) {
    String lower = username == null ? "" : username.toLowerCase(Locale.ROOT);
    return lower.length() <= MAX_KEY_LENGTH ? lower : lower.substring(0, MAX_KEY_LENGTH);
  }

  private static LoginLockedException locked(String what, long until, long now) {
    long seconds = Math.max(1, (until - now + 999) / 1000);
    return new LoginLockedException(
        what
            + " locked out for "
            + seconds
            + " more seconds after repeated failed sign-ins or TOTP codes; wait, then try again",
        seconds);
  }
}
