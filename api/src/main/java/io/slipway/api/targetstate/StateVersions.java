package io.slipway.api.targetstate;

/**
 * The counters that identify one target state of a device: every write that may change what the
 * device should run bumps its fleet's or its own target version. Equal versions mean an equal
 * state, so the ETag follows from them without rendering the state. Immutable.
 *
 * @param deviceId the device's row id
 * @param fleetId its fleet's row id
 * @param fleetVersion {@code fleet.target_version}
 * @param deviceVersion {@code device.target_version}
 */
public record StateVersions(long deviceId, long fleetId, long fleetVersion, long deviceVersion) {

  // Changes whenever the rendered form of the state changes, so that old ETags stop matching.
  private static final String FORMAT = "ts1";

  /**
   * Returns the strong ETag of the state, quoted, such as {@code "ts1-7-2-15-3"}. It holds only row
   * ids and counters, nothing the device does not know.
   */
  public String etag() {
    return "\""
        + FORMAT
        + "-"
        + deviceId
        + "-"
        + fleetId
        + "-"
        + fleetVersion
        + "-"
        + deviceVersion
        + "\"";
  }
}
