package io.slipway.api.device;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.event.DeviceAccessRevoked;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes devices after the caller's access was checked: metadata, approval, tags, deletion. Safe
 * for concurrent use.
 */
@Service
public class DeviceService {

  private static final Logger log = LoggerFactory.getLogger(DeviceService.class);

  private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final int MAX_TAG_VALUE = 1024;

  private final DeviceRepository devices;
  private final DeviceTagRepository tags;
  private final FleetRepository fleets;
  private final AuditLog audit;
  private final ApplicationEventPublisher publisher;
  private final Clock clock;

  public DeviceService(
      DeviceRepository devices,
      DeviceTagRepository tags,
      FleetRepository fleets,
      AuditLog audit,
      ApplicationEventPublisher publisher,
      Clock clock) {
    this.devices = devices;
    this.tags = tags;
    this.fleets = fleets;
    this.audit = audit;
    this.publisher = publisher;
    this.clock = clock;
  }

  /** Returns the fleet of {@code device}. */
  public Fleet fleetOf(Device device) {
    return fleets
        .findById(device.fleetId())
        .orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.FLEET_NOT_FOUND,
                    "The fleet of device " + device.uuid() + " no longer exists"));
  }

  /** Applies {@code change} and returns the device as stored afterwards. */
  @Transactional
  public Device update(Identity who, Device device, DeviceMetadata change) {
    devices.updateMetadata(
        device.id(), change.name(), change.osVersion(), change.addresses(), change.status());
    if (who.isUser()) {
      audit.record(
          who,
          "device.updated",
          "device",
          device.uuid(),
          fleetOf(device).organizationId(),
          change.name() == null ? Map.of() : Map.of("name", change.name()));
    }
    return devices.findById(device.id()).orElseThrow();
  }

  /** Approves {@code device} so that its key works; approving again changes nothing. */
  @Transactional
  public Device approve(Identity who, Device device) {
    if (devices.approve(device.id())) {
      Fleet fleet = fleetOf(device);
      audit.record(
          who,
          "device.approved",
          "device",
          device.uuid(),
          fleet.organizationId(),
          Map.of("fleet", fleet.repositoryPrefix()));
      log.info(
          "Device {} of fleet {} approved by '{}'",
          device.uuid(),
          fleet.repositoryPrefix(),
          who.subject());
    }
    return devices.findById(device.id()).orElseThrow();
  }

  /**
   * Revokes the key of {@code device}: every request with it fails from then on, and after commit
   * the device is cut off the control channel ({@link DeviceAccessRevoked}). Audits {@code
   * device.key.revoked} unless the key was revoked already. The device can get a key again only by
   * being deleted and registered anew.
   */
  @Transactional
  public void revokeKey(Identity who, Device device) {
    Fleet fleet = fleetOf(device);
    if (devices.revokeKey(device.id(), clock.millis())) {
      audit.record(
          who,
          "device.key.revoked",
          "device",
          device.uuid(),
          fleet.organizationId(),
          Map.of("fleet", fleet.repositoryPrefix()));
      log.info(
          "Key of device {} of fleet {} revoked by '{}'",
          device.uuid(),
          fleet.repositoryPrefix(),
          who.subject());
    }
    publisher.publishEvent(new DeviceAccessRevoked(device.uuid(), "device.key.revoked"));
  }

  /** Deletes {@code device}; its key stops working at once. */
  @Transactional
  public void delete(Identity who, Device device) {
    Fleet fleet = fleetOf(device);
    devices.delete(device.id());
    publisher.publishEvent(new DeviceAccessRevoked(device.uuid(), "device.deleted"));
    audit.record(
        who,
        "device.deleted",
        "device",
        device.uuid(),
        fleet.organizationId(),
        Map.of("fleet", fleet.repositoryPrefix()));
    log.info(
        "Device {} of fleet {} deleted by '{}'",
        device.uuid(),
        fleet.repositoryPrefix(),
        who.subject());
  }

  /**
   * Sets tag {@code name} of {@code device} to {@code value} (empty when null).
   *
   * @throws ApiException {@code INVALID_TAG} for a bad name or a value over 1,024 characters
   */
  public void putTag(Identity who, Device device, String name, String value) {
    checkTagName(name);
    String tagValue = value == null ? "" : value;
    if (tagValue.length() > MAX_TAG_VALUE) {
      throw new ApiException(
          ErrorCode.INVALID_TAG,
          "Value of tag '"
              + name
              + "' has "
              + tagValue.length()
              + " characters: use at most "
              + MAX_TAG_VALUE);
    }
    // Not in a transaction: the repository retries a lost insert race, which PostgreSQL does not
    // allow inside an aborted transaction.
    tags.put(device.id(), name, tagValue, clock.millis());
    audit.record(
        who,
        "device.tagged",
        "device",
        device.uuid(),
        fleetOf(device).organizationId(),
        Map.of("tag", name, "value", tagValue));
  }

  /**
   * Deletes tag {@code name} of {@code device}.
   *
   * @throws ApiException {@code TAG_NOT_FOUND} when the device has no such tag
   */
  @Transactional
  public void deleteTag(Identity who, Device device, String name) {
    checkTagName(name);
    if (!tags.delete(device.id(), name)) {
      throw new ApiException(
          ErrorCode.TAG_NOT_FOUND,
          "Device " + device.uuid() + " has no tag '" + name + "'; GET the device to see its tags");
    }
    audit.record(
        who,
        "device.untagged",
        "device",
        device.uuid(),
        fleetOf(device).organizationId(),
        Map.of("tag", name));
  }

  private static void checkTagName(String name) {
    if (name == null || !TAG_NAME.matcher(name).matches()) {
      throw new ApiException(
          ErrorCode.INVALID_TAG,
          "Invalid tag name '" + name + "': use 1 to 100 letters, digits, '_', '.', ':' and '-'");
    }
  }
}
