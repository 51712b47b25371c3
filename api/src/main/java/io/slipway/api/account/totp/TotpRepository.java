package io.slipway.api.account.totp;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The TOTP columns of {@code app_user} and the {@code recovery_code} table. Times are milliseconds
 * since the epoch. Safe for concurrent use. Each method is one statement, and the ones that consume
 * a code are conditional updates, so two requests cannot both use one code.
 */
@Repository
class TotpRepository {

  /**
   * The TOTP state of a user.
   *
   * @param secret the secret as {@link TotpSecretCipher} sealed it, or null when the user never
   *     enrolled or disabled TOTP
   * @param enabled true once the user confirmed a first code
   * @param lastUsedStep time step of the last accepted code, or null when none was
   */
  record TotpState(String secret, boolean enabled, Long lastUsedStep) {
    @Override
    public String toString() {
      return "TotpState[secret=****, enabled=" + enabled + ", lastUsedStep=" + lastUsedStep + "]";
    }
  }

  private final JdbcClient jdbc;

  TotpRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<TotpState> find(long userId) {
    return jdbc.sql("SELECT totp_secret, totp_enabled, totp_last_step FROM app_user WHERE id = ?")
        .param(userId)
        .query(
            (row, number) ->
                new TotpState(
                    row.getString("totp_secret"),
                    row.getBoolean("totp_enabled"),
                    row.getObject("totp_last_step", Long.class)))
        .optional();
  }

  /**
   * Stores a new, not yet confirmed secret in its sealed form; returns false when TOTP is enabled
   * already.
   */
  boolean startEnrolment(long userId, String secret) {
    return jdbc.sql(
                "UPDATE app_user SET totp_secret = ?, totp_last_step = NULL"
                    + " WHERE id = ? AND totp_enabled = FALSE")
            .params(secret, userId)
            .update()
        == 1;
  }

  /**
   * Records that the code of {@code step} was accepted, unless a code of that step or a later one
   * was accepted before; returns false then, so the caller refuses the replay.
   */
  boolean useStep(long userId, long step) {
    return jdbc.sql(
                "UPDATE app_user SET totp_last_step = ?"
                    + " WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)")
            .params(step, userId, step)
            .update()
        == 1;
  }

  /** Turns TOTP on for the secret stored at enrolment; returns false when it was on already. */
  boolean enable(long userId) {
    return jdbc.sql(
                "UPDATE app_user SET totp_enabled = TRUE"
                    + " WHERE id = ? AND totp_enabled = FALSE AND totp_secret IS NOT NULL")
            .param(userId)
            .update()
        == 1;
  }

  /** Turns TOTP off and deletes the secret. */
  void disable(long userId) {
    jdbc.sql(
            "UPDATE app_user SET totp_enabled = FALSE, totp_secret = NULL, totp_last_step = NULL"
                + " WHERE id = ?")
        .param(userId)
        .update();
  }

  /** Removes every recovery code of the user, used or not. */
  void deleteRecoveryCodes(long userId) {
    jdbc.sql("DELETE FROM recovery_code WHERE user_id = ?").param(userId).update();
  }

  void insertRecoveryCodes(long userId, List<String> codeHashes, long now) {
    for (String hash : codeHashes) {
      jdbc.sql("INSERT INTO recovery_code (user_id, code_hash, created_at) VALUES (?, ?, ?)")
          .params(userId, hash, now)
          .update();
    }
  }

  /** Marks the unused code with {@code codeHash} used; returns false when there is none. */
  boolean useRecoveryCode(long userId, String codeHash, long now) {
    return jdbc.sql(
                "UPDATE recovery_code SET used_at = ?"
                    + " WHERE user_id = ? AND code_hash = ? AND used_at IS NULL")
            .params(now, userId, codeHash)
            .update()
        == 1;
  }

  /** Returns how many recovery codes of the user are still unused. */
  int countUnusedRecoveryCodes(long userId) {
    return jdbc.sql("SELECT COUNT(*) FROM recovery_code WHERE user_id = ? AND used_at IS NULL")
        .param(userId)
        .query(Integer.class)
        .single();
  }
}
