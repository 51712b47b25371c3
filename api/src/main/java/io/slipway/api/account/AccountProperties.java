package io.slipway.api.account;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of accounts under {@code slipway.accounts.*}.
 *
 * @param lockout when failed sign-ins and TOTP codes lock a user name or source address out
 */
@ConfigurationProperties("slipway.accounts")
public record AccountProperties(@DefaultValue Lockout lockout) {

  /**
   * Temporary lockout after repeated failures.
   *
   * @param userFailures failures of one user name that lock it out
   * @param addressFailures failures from one source address, for any user names, that lock the
   *     address out; higher than {@code userFailures} because people behind one NAT share it
   * @param duration length of the first lockout; failures older than this are forgotten
   * @param maxDuration cap of the lockout length, which doubles with each lockout in a row
   */
  public record Lockout(
      @DefaultValue("5") int userFailures,
      @DefaultValue("20") int addressFailures,
      @DefaultValue("15m") Duration duration,
      @DefaultValue("24h") Duration maxDuration) {

    public Lockout {
      if (userFailures < 1 || addressFailures < 1) {
        throw new IllegalArgumentException(
            "slipway.accounts.lockout.user-failures and address-failures must be at least 1, not "
                + userFailures
                + " and "
                + addressFailures);
      }
      if (duration.isNegative() || duration.isZero() || maxDuration.compareTo(duration) < 0) {
        throw new IllegalArgumentException(
            "slipway.accounts.lockout.duration must be positive and at most max-duration, not "
                + duration
                + " and "
                + maxDuration);
      }
    }
  }
}
