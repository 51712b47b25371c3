package io.slipway.api.control.channel;

import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.broker.ControlBrokerException;
import io.slipway.api.control.link.ControlLink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Cuts devices off the control channel and lets them back: clears their cached admission, asks the
 * broker to disconnect them and drop their credential, and forgets their presence so that commands
 * are rejected at once. Inside a transaction the broker is asked only after commit, so a change
 * that rolls back cuts nobody; the admission cache is cleared at once and again after commit.
 * Thread-safe.
 */
@Component
public class BrokerCutoff implements DisposableBean {

  /**
   * How long a device whose channel turns off gets between {@code disable-channel} and the cut. The
   * agent closes about 1 second after it acknowledges the message.
   */
  static final Duration NOTICE_TIME = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(BrokerCutoff.class);

  private final KeyAdmission admission;
  private final ObjectProvider<ControlBroker> broker;
  private final ObjectProvider<ControlLink> link;
  private final Clock clock;
  private final ScheduledExecutorService delayedCuts =
      Executors.newSingleThreadScheduledExecutor(BrokerCutoff::cutoffThread);

  BrokerCutoff(
      KeyAdmission admission,
      ObjectProvider<ControlBroker> broker,
      ObjectProvider<ControlLink> link,
      Clock clock) {
    this.admission = admission;
    this.broker = broker;
    this.link = link;
    this.clock = clock;
  }

  /**
   * Switches the channel off for {@code uuids}: sends each a {@code disable-channel} message (QoS
   * 1, not stored, best effort), then cuts it off {@link #NOTICE_TIME} later. Runs now, or after
   * the current transaction commits; {@code why} is logged. New connections are rejected at once.
   */
  public void cut(Collection<String> uuids, String why) {
    if (uuids.isEmpty()) {
      return;
    }
    List<String> copy = List.copyOf(uuids);
    admission.forget(copy);
    afterCommit(
        () -> {
          admission.forget(copy);
          sendDisable(copy);
          delayedCuts.schedule(
              () -> cutNow(copy, why), NOTICE_TIME.toMillis(), TimeUnit.MILLISECONDS);
        });
  }

  /**
   * Lets {@code uuids} connect again at once after the channel turned back on for them, now or
   * after the current transaction commits. Sends them nothing: their agents reconnect by
   * themselves.
   */
  public void readmit(Collection<String> uuids) {
    if (uuids.isEmpty()) {
      return;
    }
    List<String> copy = List.copyOf(uuids);
    afterCommit(
        () -> {
          ControlBroker available = broker.getIfAvailable();
          if (available != null) {
            copy.forEach(available::readmit);
          }
        });
  }

  private static Thread cutoffThread(Runnable task) {
    Thread thread = new Thread(task, "channel-cutoff");
    thread.setDaemon(true);
    return thread;
  }

  private static void afterCommit(Runnable action) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      action.run();
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            action.run();
          }
        });
  }

  private void sendDisable(List<String> uuids) {
    ControlLink available = broker.getIfAvailable() == null ? null : link.getIfAvailable();
    if (available == null) {
      return;
    }
    String deadline = clock.instant().plus(NOTICE_TIME).toString();
    for (String uuid : uuids) {
      // Its id is not a stored command's, so the device's acknowledgement is dropped.
      String message =
          "{\"id\":\"notice_"
              + UUID.randomUUID()
              + "\",\"type\":\"disable-channel\",\"deadline\":\""
              + deadline
              + "\"}";
      try {
        available.publish(uuid, message.getBytes(StandardCharsets.UTF_8));
      } catch (ControlBrokerException e) {
        // The device also learns the setting at its next poll.
        log.warn("Failed to send disable-channel to device {}: {}", uuid, e.getMessage());
      }
    }
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
    ControlLink currentLink = link.getIfAvailable();
    if (currentLink != null) {
      uuids.forEach(currentLink::forgetPresence);
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

  /** Stops the delayed cuts; the broker stops with the server, which ends every connection. */
  @Override
  public void destroy() {
    delayedCuts.shutdownNow();
  }
}
