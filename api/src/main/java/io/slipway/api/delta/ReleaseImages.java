package io.slipway.api.delta;

import io.slipway.api.release.ImageReference;
import io.slipway.api.release.ReleaseStatus;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the images that a fleet's successful releases name, from the release tables. Safe for
 * concurrent use; each method is one query.
 */
@Repository
class ReleaseImages {

  private final JdbcClient jdbc;

  ReleaseImages(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Returns every service image of the {@code SUCCESS} releases of {@code fleetId}, invalidated
   * ones included, newest release first and then by service name.
   */
  List<ReleaseImage> ofFleet(long fleetId) {
    return jdbc.sql(
            "SELECT r.id, r.invalidated, s.service, s.image FROM fleet_release r"
                + " JOIN release_service s ON s.release_id = r.id"
                + " WHERE r.fleet_id = ? AND r.status = ? AND s.image IS NOT NULL"
                + " ORDER BY r.id DESC, s.service")
        .params(fleetId, ReleaseStatus.SUCCESS.name())
        .query(
            (row, number) ->
                new ReleaseImage(
                    row.getLong("id"),
                    row.getBoolean("invalidated"),
                    row.getString("service"),
                    ImageReference.parse(row.getString("image"))))
        .list();
  }
}
