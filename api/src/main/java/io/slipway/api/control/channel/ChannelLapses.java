package io.slipway.api.control.channel;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.control.ControlProperties;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ends device settings whose time ran out ({@code "enabled": true, "for": "PT2H"}): every few
 * seconds it makes each such device follow its fleet again, audits {@code
 * device.control-channel.lapsed} as the system, and cuts the device off the broker when the channel
 * is now off for it. One device per transaction. Runs on the scheduler's thread only.
 */
@Component
@EnableScheduling
class ChannelLapses {

  private static final Logger log = LoggerFactory.getLogger(ChannelLapses.class);

  private static final Identity SYSTEM = Identity.system("control-channel");

  private final ChannelRepository channels;
  private final BrokerCutoff cutoff;
  private final AuditLog audit;
  private final ControlProperties properties;
  private final TransactionTemplate transactions;
  private final Clock clock;

  ChannelLapses(
      ChannelRepository channels,
      BrokerCutoff cutoff,
      AuditLog audit,
      ControlProperties properties,
      TransactionTemplate transactions,
      Clock clock) {
    this.channels = channels;
    this.cutoff = cutoff;
    this.audit = audit;
    this.properties = properties;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** Ends every lapsed device setting; returns how many it ended. */
  @Scheduled(fixedDelay = 5_000, initialDelay = 5_000)
  int endLapsed() {
    long now = clock.millis();
    int ended = 0;
    for (ChannelRepository.DeviceChannel device : channels.findLapsed(now)) {
      try {
        Boolean done = transactions.execute(status -> end(device, now));
        ended += Boolean.TRUE.equals(done) ? 1 : 0;
      } catch (RuntimeException e) {
        // The next run tries again; one bad row must not hold up the others.
        log.warn("Failed to end the lapsed channel setting of device {}", device.uuid(), e);
      }
    }
    return ended;
  }

  private boolean end(ChannelRepository.DeviceChannel device, long now) {
    if (!channels.clearLapsed(device.deviceId(), now)) {
      return false;
    }
    ChannelSetting before = device.setting();
    ChannelSetting after = new ChannelSetting(null, null, before.fleetEnabled());
    boolean enabled = after.effective(properties.enabled(), now);
    audit.record(
        SYSTEM,
        "device.control-channel.lapsed",
        "device",
        device.uuid(),
        device.organizationId(),
        Map.of(
            "setting",
            Boolean.TRUE.equals(before.deviceOverride()) ? "on" : "off",
            "enabled",
            enabled));
    log.info(
        "Channel setting of device {} lapsed; it follows fleet {} again (channel {})",
        device.uuid(),
        device.fleetId(),
        enabled ? "on" : "off");
    if (!enabled) {
      cutoff.cut(List.of(device.uuid()), "device setting lapsed");
    } else {
      cutoff.readmit(List.of(device.uuid()));
    }
    return true;
  }
}
