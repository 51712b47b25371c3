package io.slipway.api.signing;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads what a device's signed target state needs beyond its target release: the names of the
 * device and its fleet, and the signed pins of the device and the fleet. The pins are written with
 * the pin itself by {@link io.slipway.api.release.PromotionRepository}. One query by primary key;
 * safe for concurrent use.
 */
@Repository
class PinEnvelopeRepository {

  private final JdbcClient jdbc;

  PinEnvelopeRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The pins of one device and its fleet, read in one statement, so each envelope belongs to the
   * release id read with it.
   *
   * @param uuid the device's UUID
   * @param fleet the fleet as {@code <org>/<fleet>}
   * @param devicePinReleaseId the release the device is pinned to, or null
   * @param devicePinEnvelope the DSSE envelope JSON of that pin, or null when it was not signed
   * @param fleetPinReleaseId the release the fleet is pinned to, or null when it tracks its latest
   * @param fleetPinEnvelope the DSSE envelope JSON of that pin, or null when it was not signed
   */
  record DevicePins(
      String uuid,
      String fleet,
      Long devicePinReleaseId,
      String devicePinEnvelope,
      Long fleetPinReleaseId,
      String fleetPinEnvelope) {

    /**
     * Returns the signed pin that made {@code releaseId} the device's target: the device's own pin
     * first, then the fleet's.
     */
    Optional<String> envelopeFor(long releaseId) {
      if (devicePinReleaseId != null && devicePinReleaseId == releaseId) {
        return Optional.ofNullable(devicePinEnvelope);
      }
      if (fleetPinReleaseId != null && fleetPinReleaseId == releaseId) {
        return Optional.ofNullable(fleetPinEnvelope);
      }
      return Optional.empty();
    }
  }

  /** Returns the pins of device {@code deviceId}; empty when the device is gone. */
  Optional<DevicePins> find(long deviceId) {
    return jdbc.sql(
            "SELECT d.uuid, o.slug AS org_slug, f.slug AS fleet_slug, d.pinned_release_id,"
                + " d.pin_envelope, f.track_latest, f.target_release_id, f.target_pin_envelope"
                + " FROM device d JOIN fleet f ON f.id = d.fleet_id"
                + " JOIN organization o ON o.id = f.organization_id WHERE d.id = ?")
        .param(deviceId)
        .query(
            (row, number) ->
                new DevicePins(
                    row.getString("uuid"),
                    row.getString("org_slug") + "/" + row.getString("fleet_slug"),
                    row.getObject("pinned_release_id", Long.class),
                    row.getString("pin_envelope"),
                    row.getBoolean("track_latest")
                        ? null
                        : row.getObject("target_release_id", Long.class),
                    row.getString("target_pin_envelope")))
        .optional();
  }
}
