package io.slipway.api.control.channel;

import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.broker.ControlBrokerException;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Cuts devices off the control channel: clears their cached admission and asks the broker to
 * disconnect them and drop their credential. Inside a transaction the broker is asked only after
 * commit, so a change that rolls back cuts nobody; the admission cache is cleared at once and again
 * after commit. Thread-safe.
 */
@Component
public class BrokerCutoff {

  private static final Logger log = LoggerFactory.getLogger(BrokerCutoff.class);

  private final KeyAdmission admission;
  private final ObjectProvider<ControlBroker> broker;

  BrokerCutoff(KeyAdmission admission, ObjectProvider<ControlBroker> broker) {
    this.admission = admission;
    this.broker = broker;
  }

  /**
   * Cuts {@code uuids} off now, or after the current transaction commits; {@code why} is logged.
   */
  public void cut(Collection<String> uuids, String why) {
    if (uuids.isEmpty()) {
      return;
    }
    List<String> copy = List.copyOf(uuids);
    admission.forget(copy);

    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      cutNow(copy, why);
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            admission.forget(copy);
            cutNow(copy, why);
          }
        });
  }

  /**
   * Cuts {@code uuids} off at once, ignoring any transaction; for callers that run after commit,
   * where a synchronization registered now would never run.
   */
  public void cutAtOnce(Collection<String> uuids, String why) {
    List<String> copy = List.copyOf(uuids);
    admission.forget(copy);
    cutNow(copy, why);
  }

  private void cutNow(List<String> uuids, String why) {
    ControlBroker available = broker.getIfAvailable();
    if (available == null) {
      return;
    }
    for (String uuid : uuids) {
      try {
        available.revoke(uuid);
        log.info("Device {} cut off the control channel: {}", uuid, why);
      } catch (ControlBrokerException e) {
        // The admission cache is already clear, so the embedded broker refuses the device's next
        // CONNECT; an external broker keeps the credential until the next successful revoke.
        log.warn("Failed to cut device {} off the broker ({}): {}", uuid, why, e.getMessage());
      }
    }
  }
}
