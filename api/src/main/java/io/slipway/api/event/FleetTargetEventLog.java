package io.slipway.api.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Logs each {@link FleetTargetChanged} once its transaction commits, so the log shows which devices
 * must move and why. A change that rolls back is never logged.
 */
@Component
class FleetTargetEventLog {

  private static final Logger log = LoggerFactory.getLogger(FleetTargetEventLog.class);

  // fallbackExecution: an event published outside a transaction is logged at once.
  @TransactionalEventListener(fallbackExecution = true)
  void onFleetTargetChanged(FleetTargetChanged event) {
    log.info(
        "Target of fleet {} changed ({}): release {}, devices {}",
        event.fleetId(),
        event.reason(),
        event.releaseId(),
        event.deviceUuids().isEmpty() ? "all" : event.deviceUuids());
  }
}
