package io.slipway.api.devicelog;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores device log batches, keeps only the newest lines of each device and hands new lines to
 * their followers. Thread-safe.
 */
@Service
public class DeviceLogService {

  private static final Logger log = LoggerFactory.getLogger(DeviceLogService.class);

  private final DeviceLogRepository repository;
  private final DeviceLogFollowers followers;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final int retainedLines;
  private final int pruneEvery;

  /** Lines stored per device since this process last pruned it. */
  private final ConcurrentMap<Long, Integer> sincePrune = new ConcurrentHashMap<>();

  public DeviceLogService(
      DeviceLogRepository repository,
      DeviceLogFollowers followers,
      TransactionTemplate transactions,
      Clock clock,
      DeviceLogProperties properties) {
    this.repository = repository;
    this.followers = followers;
    this.transactions = transactions;
    this.clock = clock;
    this.retainedLines = properties.retainedLines();
    // Pruning walks the device's retained lines in the index, so it runs once per tenth of the
    // retained number of new lines. Meanwhile a device keeps at most 10% more lines than that.
    this.pruneEvery = Math.max(1, retainedLines / 10);
  }

  /** Returns how many lines are kept per device. */
  public int retainedLines() {
    return retainedLines;
  }

  /**
   * Stores {@code lines} of the device, prunes its old lines when due and sends the new ones to its
   * followers.
   *
   * @param uuid the device's UUID, for the log
   * @return the lines as stored
   */
  public List<StoredLogLine> store(long deviceId, String uuid, List<DeviceLogLine> lines) {
    if (lines.isEmpty()) {
      return List.of();
    }
    // The first batch of a device after a restart prunes too, because the count starts afresh.
    Integer counted = sincePrune.get(deviceId);
    boolean pruneDue = counted == null || counted + lines.size() >= pruneEvery;
    sincePrune.put(deviceId, pruneDue ? 0 : counted + lines.size());

    List<StoredLogLine> stored =
        transactions.execute(
            status -> {
              List<StoredLogLine> appended = repository.append(deviceId, lines, clock.millis());
              if (pruneDue) {
                int deleted = repository.prune(deviceId, retainedLines);
                log.debug("Pruned {} old log lines of device {}", deleted, uuid);
              }
              return appended;
            });

    followers.publish(deviceId, stored);
    return stored;
  }

  /**
   * Returns the newest {@code count} lines of the device written at or after {@code since}, oldest
   * first.
   */
  public List<StoredLogLine> newest(long deviceId, int count, long since) {
    return repository.findNewest(deviceId, Math.min(count, retainedLines), since);
  }
}
