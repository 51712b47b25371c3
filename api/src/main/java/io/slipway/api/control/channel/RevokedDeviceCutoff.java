package io.slipway.api.control.channel;

import io.slipway.api.event.DeviceAccessRevoked;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/** Cuts a device off the control channel once the revocation of its key or its deletion commits. */
@Component
class RevokedDeviceCutoff {

  private final BrokerCutoff cutoff;

  RevokedDeviceCutoff(BrokerCutoff cutoff) {
    this.cutoff = cutoff;
  }

  // fallbackExecution: an event published outside a transaction cuts the device at once. This
  // runs after commit, so it must not wait for another commit.
  @TransactionalEventListener(fallbackExecution = true)
  void onRevoked(DeviceAccessRevoked event) {
    cutoff.cutAtOnce(List.of(event.deviceUuid()), event.reason());
  }
}
