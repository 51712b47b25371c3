package io.slipway.api.release;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Writes the promotion columns of {@code fleet} and {@code device}: which release a fleet or a
 * single device is pinned to, with the signed pin when there is one. Every write also bumps the
 * row's {@code target_version}, so that cached target states of the devices concerned expire. Each
 * method is one statement.
 */
@Repository
public class PromotionRepository {

  private final JdbcClient jdbc;

  public PromotionRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Pins a fleet to {@code releaseId}, or makes it follow its latest successful release when {@code
   * trackLatest} is true (then {@code releaseId} is null).
   *
   * @return false when the fleet does not exist
   */
  public boolean setFleetTarget(long fleetId, Long releaseId, boolean trackLatest) {
    return setFleetTarget(fleetId, releaseId, trackLatest, null);
  }

  /**
   * Sets a fleet's target as {@link #setFleetTarget(long, Long, boolean)} does, together with the
   * DSSE envelope JSON of the signed pin, or null when the target is not a signed pin.
   *
   * @return false when the fleet does not exist
   */
  public boolean setFleetTarget(
      long fleetId, Long releaseId, boolean trackLatest, String pinEnvelope) {
    return jdbc.sql(
                "UPDATE fleet SET track_latest = ?, target_release_id = ?, target_pin_envelope = ?,"
                    + " target_version = target_version + 1 WHERE id = ?")
            .params(trackLatest, releaseId, pinEnvelope, fleetId)
            .update()
        == 1;
  }

  /**
   * Pins a device to {@code releaseId}, or removes its pin when it is null.
   *
   * @param pinEnvelope the DSSE envelope JSON of the signed pin, or null when it is not signed
   * @return false when the device does not exist
   */
  public boolean setDevicePin(long deviceId, Long releaseId, String pinEnvelope) {
    return jdbc.sql(
                "UPDATE device SET pinned_release_id = ?, pin_envelope = ?,"
                    + " target_version = target_version + 1 WHERE id = ?")
            .params(releaseId, pinEnvelope, deviceId)
            .update()
        == 1;
  }
}
