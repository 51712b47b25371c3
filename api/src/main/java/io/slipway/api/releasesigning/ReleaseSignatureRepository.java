package io.slipway.api.releasesigning;

import io.slipway.api.release.ReleaseSignatures;
import io.slipway.api.release.SignatureSummary;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code release_signatures} table and the fleets' release sequence counter. Each method is one
 * or two statements and safe for concurrent use; {@link #allocateSequence} must run in the
 * transaction that then calls {@link #insert}, so that a rolled-back signature returns its number.
 */
@Repository
public class ReleaseSignatureRepository implements ReleaseSignatures {

  private static final String COLUMNS =
      "release_id, fleet_id, release_sequence, document, document_digest, bundle, key_hint,"
          + " signed_at";

  private final JdbcClient jdbc;

  public ReleaseSignatureRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Raises fleet {@code fleetId}'s release sequence by one and returns the new value. The update
   * locks the fleet's row until the transaction ends, so concurrent signers of one fleet take turns
   * and get strictly increasing numbers.
   *
   * @throws IllegalStateException when the fleet does not exist
   */
  public long allocateSequence(long fleetId) {
    int updated =
        jdbc.sql("UPDATE fleet SET release_sequence = release_sequence + 1 WHERE id = ?")
            .param(fleetId)
            .update();
    if (updated != 1) {
      throw new IllegalStateException(
          "Fleet " + fleetId + " does not exist, so it has no release sequence");
    }
    return jdbc.sql("SELECT release_sequence FROM fleet WHERE id = ?")
        .param(fleetId)
        .query(Long.class)
        .single();
  }

  /**
   * Stores a signature.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the release is already signed or the
   *     fleet already used the sequence
   */
  public void insert(ReleaseSignature signature) {
    jdbc.sql("INSERT INTO release_signatures (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            signature.releaseId(),
            signature.fleetId(),
            signature.sequence(),
            signature.document(),
            signature.documentDigest(),
            signature.bundleText(),
            signature.keyHint(),
            signature.signedAt().toEpochMilli())
        .update();
  }

  /** Deletes the signature of release {@code releaseId}, if it has one. */
  public void delete(long releaseId) {
    jdbc.sql("DELETE FROM release_signatures WHERE release_id = ?").param(releaseId).update();
  }

  /** Returns the signature of release {@code releaseId}, if it was signed. */
  public Optional<ReleaseSignature> findByRelease(long releaseId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM release_signatures WHERE release_id = ?")
        .param(releaseId)
        .query(ReleaseSignatureRepository::signature)
        .optional();
  }

  @Override
  public Optional<SignatureSummary> summaryOf(long releaseId) {
    return findByRelease(releaseId).map(ReleaseSignature::summary);
  }

  private static ReleaseSignature signature(ResultSet row, int number) throws SQLException {
    return new ReleaseSignature(
        row.getLong("release_id"),
        row.getLong("fleet_id"),
        row.getLong("release_sequence"),
        row.getBytes("document"),
        row.getString("document_digest"),
        row.getString("bundle").getBytes(StandardCharsets.UTF_8),
        row.getString("key_hint"),
        Instant.ofEpochMilli(row.getLong("signed_at")));
  }
}
