package io.slipway.api.device;

import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Collects when devices were last seen and writes them in one batch every few seconds, so that
 * thousands of polling devices cost one statement per flush instead of one write each. Safe for
 * concurrent use.
 *
 * <p>NOTE: a crash loses the times collected since the last flush (ten seconds by default); a
 * device's first use of its key is written at once by {@link DeviceKeyResolver}, because
 * registration retries depend on it.
 */
@Component
public class DeviceLastSeen {

  private static final Logger log = LoggerFactory.getLogger(DeviceLastSeen.class);

  private final Map<Long, Long> pending = new ConcurrentHashMap<>();
  private final JdbcTemplate jdbc;

  public DeviceLastSeen(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records that device {@code deviceId} called the server at {@code at} (epoch millis). */
  public void record(long deviceId, long at) {
    pending.merge(deviceId, at, Math::max);
  }

  /** Writes the collected times; an older time never overwrites a newer one. */
  @Scheduled(
      fixedDelayString = "${slipway.devices.last-seen-flush:PT10S}",
      initialDelayString = "${slipway.devices.last-seen-flush:PT10S}")
  public void flush() {
    List<Object[]> rows = new ArrayList<>();
    for (Long deviceId : pending.keySet()) {
      Long at = pending.remove(deviceId);
      if (at != null) {
        rows.add(new Object[] {at, deviceId, at});
      }
    }
    if (rows.isEmpty()) {
      return;
    }

    jdbc.batchUpdate(
        "UPDATE device SET last_seen_at = ? WHERE id = ?"
            + " AND (last_seen_at IS NULL OR last_seen_at < ?)",
        rows);
    log.debug("Wrote the last-seen time of {} devices", rows.size());
  }

  @PreDestroy
  void flushOnShutdown() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("Could not write the last-seen time of devices at shutdown", e);
    }
  }
}
