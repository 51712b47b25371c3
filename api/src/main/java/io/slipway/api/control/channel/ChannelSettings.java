package io.slipway.api.control.channel;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.control.BoundedDuration;
import io.slipway.api.control.ControlProperties;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The control channel's fleet and device switches: reads the effective state, changes the switches
 * with an audit entry, cuts devices off the broker when the channel turns off for them, and lets
 * them back at once when it turns on. Callers check access first. Thread-safe.
 */
@Service
public class ChannelSettings implements ChannelSwitch {

  /** How long a device's own setting may last. */
  static final BoundedDuration SETTING_LENGTH =
      new BoundedDuration(Duration.ofMinutes(1), Duration.ofDays(7), ErrorCode.INVALID_PARAMETER);

  private static final Logger log = LoggerFactory.getLogger(ChannelSettings.class);

  private final ChannelRepository channels;
  private final BrokerCutoff cutoff;
  private final AuditLog audit;
  private final ControlProperties properties;
  private final Clock clock;

  ChannelSettings(
      ChannelRepository channels,
      BrokerCutoff cutoff,
      AuditLog audit,
      ControlProperties properties,
      Clock clock) {
    this.channels = channels;
    this.cutoff = cutoff;
    this.audit = audit;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public boolean isEnabled(Device device) {
    return settingOf(device).effective(properties.enabled(), clock.millis());
  }

  /** Reads the switches of the whole fleet with one query, however many devices it has. */
  @Override
  public List<Device> filterEnabled(long fleetId, List<Device> devices) {
    if (devices.isEmpty() || !properties.enabled()) {
      return List.of();
    }
    long now = clock.millis();
    Set<String> enabled =
        channels.findByFleet(fleetId).stream()
            .filter(device -> device.setting().effective(true, now))
            .map(ChannelRepository.DeviceChannel::uuid)
            .collect(Collectors.toSet());
    return devices.stream().filter(device -> enabled.contains(device.uuid())).toList();
  }

  /** Returns whether the server runs the control channel at all. */
  public boolean serverEnabled() {
    return properties.enabled();
  }

  /** Returns the stored switches of {@code device}. */
  public ChannelSetting settingOf(Device device) {
    return channels
        .findByDevice(device.id())
        .map(ChannelRepository.DeviceChannel::setting)
        .orElse(new ChannelSetting(null, null, false));
  }

  /** Returns the fleet's own setting, whatever the server's. */
  public boolean fleetEnabled(Fleet fleet) {
    return channels.fleetEnabled(fleet.id());
  }

  /**
   * Sets the fleet's switch, audits {@code fleet.control-channel.changed}, and after commit cuts
   * off every device of the fleet for which the channel is now off.
   */
  @Transactional
  public void setFleet(Identity who, Fleet fleet, boolean enabled) {
    channels.setFleetEnabled(fleet.id(), enabled);
    audit.record(
        who,
        "fleet.control-channel.changed",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        Map.of("enabled", enabled));
    log.info(
        "Control channel of fleet {} set to {} by '{}'",
        fleet.repositoryPrefix(),
        enabled ? "on" : "off",
        who.subject());

    long now = clock.millis();
    Map<Boolean, List<String>> byState =
        channels.findByFleet(fleet.id()).stream()
            .collect(
                Collectors.partitioningBy(
                    device -> device.setting().effective(properties.enabled(), now),
                    Collectors.mapping(
                        ChannelRepository.DeviceChannel::uuid, Collectors.toList())));
    cutoff.cut(byState.get(false), "channel off for fleet " + fleet.repositoryPrefix());
    cutoff.readmit(byState.get(true));
  }

  /**
   * Sets the device's own switch: {@code enabled} null follows the fleet again, true or false
   * decides for the device, for {@code duration} (ISO-8601, PT1M to P7D) or until changed when it
   * is null. Audits {@code device.control-channel.changed} and cuts the device off after commit
   * when the channel is now off for it.
   *
   * @throws ApiException {@code INVALID_PARAMETER} for a duration that does not parse, is out of
   *     range, or comes without {@code enabled}
   */
  @Transactional
  public void setDevice(Identity who, Device device, Boolean enabled, String duration) {
    long now = clock.millis();
    Long until = untilOf(device, enabled, duration, now);
    channels.setDeviceSetting(device.id(), enabled, until);

    ChannelRepository.DeviceChannel stored = channels.findByDevice(device.id()).orElseThrow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("setting", stored.setting().settingName(now));
    if (until != null) {
      details.put("until", until);
    }
    audit.record(
        who,
        "device.control-channel.changed",
        "device",
        device.uuid(),
        stored.organizationId(),
        details);
    log.info(
        "Control channel of device {} set to {} (until {}) by '{}'",
        device.uuid(),
        details.get("setting"),
        until,
        who.subject());

    if (!stored.setting().effective(properties.enabled(), now)) {
      cutoff.cut(List.of(device.uuid()), "channel off for the device");
    } else {
      cutoff.readmit(List.of(device.uuid()));
    }
  }

  private static Long untilOf(Device device, Boolean enabled, String duration, long now) {
    if (duration == null) {
      return null;
    }
    if (enabled == null) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "'for' ("
              + duration
              + ") applies only with enabled true or false: leave 'for' out to make device "
              + device.uuid()
              + " follow its fleet");
    }
    Duration parsed = SETTING_LENGTH.parse("for", duration);
    return now + parsed.toMillis();
  }
}
