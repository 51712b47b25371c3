package io.slipway.api.rollout;

import java.util.Collection;
import java.util.Map;

/**
 * Source of the last reports of the devices of a rollout. Implementations must be safe for
 * concurrent use.
 */
public interface RolloutProgressSource {

  /**
   * Returns the last report of each of {@code deviceIds} that ever reported, keyed by device row
   * id; devices that never reported are absent.
   */
  Map<Long, DeviceReport> lastReports(Collection<Long> deviceIds);
}
