package io.slipway.api.delta;

import io.slipway.api.delta.StoredDelta.State;
import io.slipway.delta.image.Digest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code delta} table. Claims are conditional statements, so that of several servers sharing
 * the database (and of several threads of one) exactly one makes each delta. Safe for concurrent
 * use; each method is one statement.
 */
@Repository
public class DeltaRepository {

  private static final String COLUMNS =
      "source_digest, target_digest, state, reason, source_repository, target_repository,"
          + " fleet_id, claimed_by, claimed_at,"
          + " payload_digest, payload_size, target_size, bundle, finished_at, last_used_at";

  private final JdbcClient jdbc;

  public DeltaRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Returns the row of {@code pair}, if any. */
  public Optional<StoredDelta> find(DeltaPair pair) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM delta WHERE source_digest = ? AND target_digest = ?")
        .params(pair.source().value(), pair.target().value())
        .query(DeltaRepository::map)
        .optional();
  }

  /**
   * Inserts a {@code GENERATING} row for {@code pair} claimed by {@code server}.
   *
   * @return false when a row for the pair exists already, so another caller claimed it
   */
  public boolean claimNew(DeltaPair pair, ImageLocation images, String server, long now) {
    try {
      jdbc.sql(
              "INSERT INTO delta (source_digest, target_digest, state, target_repository,"
                  + " source_repository, fleet_id, claimed_by, claimed_at, last_used_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .params(
              pair.source().value(),
              pair.target().value(),
              State.GENERATING.name(),
              images.targetRepository(),
              images.sourceRepository(),
              images.fleetId(),
              server,
              now,
              now)
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /**
   * Claims {@code seen} again for {@code server}, turning it back into {@code GENERATING}, if the
   * row is still in the state and claim that {@code seen} shows. This takes over a stale claim or
   * retries a failure.
   *
   * @return false when another caller changed the row first
   */
  public boolean claimAgain(StoredDelta seen, ImageLocation images, String server, long now) {
    return jdbc.sql(
                "UPDATE delta SET state = ?, reason = NULL, target_repository = ?, source_repository = ?,"
                    + " fleet_id = ?,"
                    + " claimed_by = ?, claimed_at = ?, payload_digest = NULL, payload_size = NULL,"
                    + " bundle = NULL, finished_at = NULL, last_used_at = ?"
                    + " WHERE source_digest = ? AND target_digest = ? AND state = ?"
                    + " AND claimed_by = ? AND claimed_at = ?")
            .params(
                State.GENERATING.name(),
                images.targetRepository(),
                images.sourceRepository(),
                images.fleetId(),
                server,
                now,
                now,
                seen.source().value(),
                seen.target().value(),
                seen.state().name(),
                seen.claimedBy(),
                seen.claimedAt())
            .update()
        == 1;
  }

  /**
   * Records the made delta, if {@code server} still has the claim of {@code pair}.
   *
   * @return false when the claim was taken over meanwhile
   */
  public boolean markReady(
      DeltaPair pair,
      String server,
      Digest payloadDigest,
      long payloadSize,
      long targetSize,
      String bundle,
      long now) {
    return jdbc.sql(
                "UPDATE delta SET state = ?, payload_digest = ?, payload_size = ?, target_size = ?,"
                    + " bundle = ?, finished_at = ? WHERE source_digest = ? AND target_digest = ?"
                    + " AND state = ? AND claimed_by = ?")
            .params(
                State.READY.name(),
                payloadDigest.value(),
                payloadSize,
                targetSize,
                bundle,
                now,
                pair.source().value(),
                pair.target().value(),
                State.GENERATING.name(),
                server)
            .update()
        == 1;
  }

  /**
   * Records that {@code pair} has no delta, as {@code FULL} or {@code FAILED} with {@code reason},
   * if {@code server} still has its claim.
   */
  public boolean markWithout(
      DeltaPair pair, String server, State state, String reason, long targetSize, long now) {
    if (state != State.FULL && state != State.FAILED) {
      throw new IllegalArgumentException("A delta without payload cannot be " + state);
    }
    String shortened = reason.length() <= 1000 ? reason : reason.substring(0, 997) + "...";
    return jdbc.sql(
                "UPDATE delta SET state = ?, reason = ?, target_size = ?, finished_at = ?"
                    + " WHERE source_digest = ? AND target_digest = ? AND state = ?"
                    + " AND claimed_by = ?")
            .params(
                state.name(),
                shortened,
                targetSize,
                now,
                pair.source().value(),
                pair.target().value(),
                State.GENERATING.name(),
                server)
            .update()
        == 1;
  }

  /**
   * Sets the last use of {@code pair} to {@code now} unless it was set after {@code notAfter},
   * which spares a write for every request of a popular delta.
   */
  public void touch(DeltaPair pair, long now, long notAfter) {
    jdbc.sql(
            "UPDATE delta SET last_used_at = ? WHERE source_digest = ? AND target_digest = ?"
                + " AND last_used_at < ?")
        .params(now, pair.source().value(), pair.target().value(), notAfter)
        .update();
  }

  /** Returns the {@code READY} rows whose payload is {@code payloadDigest}. */
  public List<StoredDelta> findReadyByPayload(Digest payloadDigest) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM delta WHERE payload_digest = ? AND state = ?")
        .params(payloadDigest.value(), State.READY.name())
        .query(DeltaRepository::map)
        .list();
  }

  /** Returns how many rows, in any state, name {@code payloadDigest}. */
  public long countByPayload(Digest payloadDigest) {
    return jdbc.sql("SELECT COUNT(*) FROM delta WHERE payload_digest = ?")
        .param(payloadDigest.value())
        .query(Long.class)
        .single();
  }

  /** Returns the finished rows (not {@code GENERATING}) last used before {@code cutoff}. */
  public List<StoredDelta> findUnusedSince(long cutoff) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM delta WHERE state <> ? AND last_used_at < ?")
        .params(State.GENERATING.name(), cutoff)
        .query(DeltaRepository::map)
        .list();
  }

  /** Returns the {@code READY} rows, least recently used first. */
  public List<StoredDelta> findReadyByLastUse() {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM delta WHERE state = ? ORDER BY last_used_at, source_digest")
        .param(State.READY.name())
        .query(DeltaRepository::map)
        .list();
  }

  /** Returns the total payload size of the {@code READY} rows, in bytes. */
  public long readyBytes() {
    return jdbc.sql("SELECT COALESCE(SUM(payload_size), 0) FROM delta WHERE state = ?")
        .param(State.READY.name())
        .query(Long.class)
        .single();
  }

  /**
   * Deletes the row of {@code seen} if it is still unchanged since it was read: same state and last
   * use. A device that used it meanwhile keeps it.
   *
   * @return true when the row was deleted
   */
  public boolean deleteUnchanged(StoredDelta seen) {
    return jdbc.sql(
                "DELETE FROM delta WHERE source_digest = ? AND target_digest = ? AND state = ?"
                    + " AND last_used_at = ?")
            .params(
                seen.source().value(),
                seen.target().value(),
                seen.state().name(),
                seen.lastUsedAt())
            .update()
        == 1;
  }

  private static StoredDelta map(ResultSet row, int number) throws SQLException {
    String payload = row.getString("payload_digest");
    return new StoredDelta(
        Digest.of(row.getString("source_digest")),
        Digest.of(row.getString("target_digest")),
        State.valueOf(row.getString("state")),
        row.getString("reason"),
        row.getString("source_repository"),
        row.getString("target_repository"),
        row.getLong("fleet_id"),
        row.getString("claimed_by"),
        row.getLong("claimed_at"),
        payload == null ? null : Digest.of(payload),
        row.getLong("payload_size"),
        row.getLong("target_size"),
        row.getString("bundle"),
        row.getObject("finished_at", Long.class),
        row.getLong("last_used_at"));
  }
}
