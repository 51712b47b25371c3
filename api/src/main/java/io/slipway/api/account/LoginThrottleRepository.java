package io.slipway.api.account;

import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code login_throttle} table: failure counts and lockouts per user name or source address.
 * Each method is one or two statements whose updates are atomic in the database, so concurrent
 * failures are all counted. Safe for concurrent use.
 */
@Repository
class LoginThrottleRepository {

  /** Kind of subject counted: a user name or a source address. */
  enum Scope {
    USER,
    ADDRESS
  }

  /**
   * A row as stored.
   *
   * @param failures failures since the last reset or lockout
   * @param lockouts lockouts in a row so far
   * @param lockedUntil end of the current or last lockout, or null when there was none
   */
  record Throttle(int failures, int lockouts, Long lockedUntil) {}

  private final JdbcClient jdbc;

  LoginThrottleRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Throttle> find(Scope scope, String subject) {
    return jdbc.sql(
            "SELECT failures, lockouts, locked_until FROM login_throttle"
                + " WHERE scope = ? AND subject = ?")
        .params(scope.name(), subject)
        .query(
            (row, number) ->
                new Throttle(
                    row.getInt("failures"),
                    row.getInt("lockouts"),
                    row.getObject("locked_until", Long.class)))
        .optional();
  }

  /**
   * Counts one failure at {@code now} and returns the row after it. Failures before {@code
   * forgetFailuresBefore} are dropped first, and the lockout streak before {@code
   * forgetLockoutsBefore}.
   */
  Throttle recordFailure(
      Scope scope, String subject, long now, long forgetFailuresBefore, long forgetLockoutsBefore) {
    int updated =
        jdbc.sql(
                "UPDATE login_throttle SET"
                    + " failures = CASE WHEN last_failure_at < ? THEN 1 ELSE failures + 1 END,"
                    + " lockouts = CASE WHEN last_failure_at < ? THEN 0 ELSE lockouts END,"
                    + " last_failure_at = ? WHERE scope = ? AND subject = ?")
            .params(forgetFailuresBefore, forgetLockoutsBefore, now, scope.name(), subject)
            .update();
    if (updated == 0) {
      try {
        jdbc.sql(
                "INSERT INTO login_throttle (scope, subject, failures, lockouts, last_failure_at)"
                    + " VALUES (?, ?, 1, 0, ?)")
            .params(scope.name(), subject, now)
            .update();
      } catch (DuplicateKeyException e) {
        // Another request inserted the row first; count this failure on it.
        return recordFailure(scope, subject, now, forgetFailuresBefore, forgetLockoutsBefore);
      }
    }
    return find(scope, subject).orElseThrow();
  }

  /**
   * Starts a lockout until {@code lockedUntil} when the row still has {@code failures} failures,
   * and clears them. Returns false when a concurrent request already started it.
   */
  boolean lock(Scope scope, String subject, int failures, long lockedUntil) {
    return jdbc.sql(
                "UPDATE login_throttle SET failures = 0, lockouts = lockouts + 1,"
                    + " locked_until = ? WHERE scope = ? AND subject = ? AND failures = ?")
            .params(lockedUntil, scope.name(), subject, failures)
            .update()
        == 1;
  }

  /** Forgets every failure and lockout of {@code subject}, after a successful sign-in. */
  void reset(Scope scope, String subject) {
    jdbc.sql("DELETE FROM login_throttle WHERE scope = ? AND subject = ?")
        .params(scope.name(), subject)
        .update();
  }
}
