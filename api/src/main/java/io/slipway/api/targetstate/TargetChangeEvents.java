package io.slipway.api.targetstate;

import io.slipway.api.event.FleetTargetChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes {@link FleetTargetChanged} once the change that caused it has committed, so that no
 * listener sends devices to poll for a state that a rollback then undoes. Outside a transaction the
 * event goes out at once. Safe for concurrent use.
 */
@Component
public class TargetChangeEvents {

  private static final Logger log = LoggerFactory.getLogger(TargetChangeEvents.class);

  private final ApplicationEventPublisher publisher;

  public TargetChangeEvents(ApplicationEventPublisher publisher) {
    this.publisher = publisher;
  }

  /** Publishes {@code event} after the current transaction commits; never if it rolls back. */
  public void publishAfterCommit(FleetTargetChanged event) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      publish(event);
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            publish(event);
          }
        });
  }

  // A failing listener must not turn a committed change into an error for the caller.
  private void publish(FleetTargetChanged event) {
    try {
      publisher.publishEvent(event);
    } catch (RuntimeException e) {
      log.warn(
          "A listener of the target change of fleet {} ({}) failed; devices learn of it at their"
              + " next poll",
          event.fleetId(),
          event.reason(),
          e);
    }
  }
}
