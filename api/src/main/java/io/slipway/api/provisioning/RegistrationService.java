package io.slipway.api.provisioning;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.device.DeviceUuid;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.DeviceType;
import io.slipway.api.fleet.DeviceTypeCatalog;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.identity.Identity;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registers devices with a provisioning key: creates the device in the key's fleet and issues its
 * device API key. Safe for concurrent use.
 *
 * <p>Registration is idempotent for the device that retries it, and a UUID cannot be taken over by
 * someone else who has the same provisioning key. A device should generate its own device key and
 * send it: a retry with the same UUID and the same key then succeeds whenever it comes, and changes
 * nothing. A retry without that proof (no key, or another key) succeeds only while the device has
 * never used its current key, which is the case after a lost response. It then gets the new key,
 * and the old one stops working. The provisioning key's use is not counted again. Any other request
 * for a UUID that is already registered fails with {@code DEVICE_UUID_TAKEN}, and so does every
 * request for a device whose key was revoked: only deleting that device frees its UUID.
 */
@Service
public class RegistrationService {

  /** Shortest accepted device-generated key after its prefix: 32 bytes in base64url. */
  private static final int MIN_OWN_KEY_CHARACTERS = 43;

  private static final Pattern OWN_KEY =
      Pattern.compile(
          Pattern.quote(BearerSecret.DEVICE_KEY)
              + "[A-Za-z0-9_-]{"
              + MIN_OWN_KEY_CHARACTERS
              + ",200}");

  /** Maximum length of a device name, in characters. */
  public static final int MAX_NAME_LENGTH = 255;

  private static final Logger log = LoggerFactory.getLogger(RegistrationService.class);

  private final ProvisioningKeyRepository keys;
  private final FleetRepository fleets;
  private final DeviceRepository devices;
  private final DeviceTypeCatalog deviceTypes;
  private final AuditLog audit;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public RegistrationService(
      ProvisioningKeyRepository keys,
      FleetRepository fleets,
      DeviceRepository devices,
      DeviceTypeCatalog deviceTypes,
      AuditLog audit,
      TransactionTemplate transactions,
      Clock clock) {
    this.keys = keys;
    this.fleets = fleets;
    this.devices = devices;
    this.deviceTypes = deviceTypes;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * The request a device sends to register.
   *
   * @param uuid the UUID the device generated
   * @param deviceType the device's type slug
   * @param name display name, or null for one derived from the UUID
   * @param osVersion the OS version it runs, or null
   * @param deviceKey the device key the device generated ({@code sld_} and at least 43 base64url
   *     characters), or null to let the server generate one
   */
  public record Request(
      String uuid, String deviceType, String name, String osVersion, String deviceKey) {

    @Override
    public String toString() {
      return "Request[uuid=" + uuid + ", deviceType=" + deviceType + ", deviceKey=****]";
    }
  }

  /**
   * The outcome of a registration.
   *
   * @param uuid the device's UUID
   * @param deviceKey the device API key, shown this once
   * @param fleet the fleet the device joined
   * @param approved false when an owner must approve the device before its key works
   * @param created true for a new device, false for a retry
   */
  public record Registration(
      String uuid, BearerSecret deviceKey, Fleet fleet, boolean approved, boolean created) {}

  /**
   * Registers a device with the provisioning key that {@code who} is.
   *
   * @throws ApiException with code {@code UNKNOWN_DEVICE_TYPE}, {@code DEVICE_TYPE_MISMATCH},
   *     {@code INVALID_DEVICE_UUID}, {@code DEVICE_UUID_TAKEN}, {@code FLEET_NOT_FOUND}, {@code
   *     PROVISIONING_KEY_EXPIRED}, {@code PROVISIONING_KEY_USED_UP} or {@code
   *     PROVISIONING_KEY_REVOKED}; each rejection is audited
   */
  public Registration register(Identity who, Request request) {
    try {
      Registration registration =
          transactions.execute(status -> registerInTransaction(who, request));
      log.info(
          "Device {} {} fleet {} with provisioning key {} (approved: {})",
          registration.uuid(),
          registration.created() ? "registered into" : "registered again into",
          registration.fleet().repositoryPrefix(),
          who.id(),
          registration.approved());
      return registration;
    } catch (ApiException e) {
      // Outside the rolled-back transaction, so that the rejection stays in the audit log.
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("code", e.code());
      details.put("provisioningKeyId", who.id());
      details.put("deviceType", request.deviceType());
      audit.denied(
          who,
          "device.registered",
          "device",
          String.valueOf(request.uuid()),
          organizationOf(who.fleetId()),
          details);
      throw e;
    }
  }

  private Registration registerInTransaction(Identity who, Request request) {
    long now = clock.millis();
    // Locking the key first serializes its registrations: a retry that arrives while the first
    // attempt of the same device is still running then finds that device, instead of a used-up
    // key or a duplicate UUID.
    ProvisioningKey key = keys.findByIdForUpdate(who.id()).orElseThrow(() -> fleetNotFound(who));
    Fleet fleet = fleets.findById(key.fleetId()).orElseThrow(() -> fleetNotFound(who));
    DeviceUuid uuid = new DeviceUuid(request.uuid());
    DeviceType type = checkDeviceType(request.deviceType(), fleet);
    String name = checkName(request.name(), uuid);
    BearerSecret deviceKey = ownOrNewKey(request.deviceKey());

    Optional<DeviceRepository.RegistrationRecord> existing = devices.findRegistration(uuid.value());
    if (existing.isPresent()) {
      return registerAgain(who, key, fleet, uuid, existing.get(), request, deviceKey, now);
    }

    ProvisioningKey.State state = key.stateAt(now);
    if (state != ProvisioningKey.State.USABLE || !keys.tryUse(key.id(), now)) {
      ProvisioningKey current = keys.findById(key.id()).orElse(key);
      ProvisioningKey.State reason = current.stateAt(now);
      throw ProvisioningKeyErrors.of(
          current, reason == ProvisioningKey.State.USABLE ? ProvisioningKey.State.USED_UP : reason);
    }

    boolean approved = !fleet.requiresApproval();
    try {
      devices.insert(
          uuid.value(),
          fleet.id(),
          name,
          type.slug(),
          blankToNull(request.osVersion()),
          deviceKey.sha256Hex(),
          key.id(),
          approved,
          now);
    } catch (DuplicateKeyException e) {
      throw uuidTaken(uuid);
    }

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("provisioningKeyId", key.id());
    details.put("deviceType", type.slug());
    details.put("approved", approved);
    audit.record(who, "device.registered", "device", uuid.value(), fleet.organizationId(), details);
    return new Registration(uuid.value(), deviceKey, fleet, approved, true);
  }

  private Registration registerAgain(
      Identity who,
      ProvisioningKey key,
      Fleet fleet,
      DeviceUuid uuid,
      DeviceRepository.RegistrationRecord existing,
      Request request,
      BearerSecret deviceKey,
      long now) {
    boolean sameRegistration =
        existing.fleetId() == fleet.id()
            && existing.provisioningKeyId() != null
            && existing.provisioningKeyId() == key.id();
    if (!sameRegistration) {
      throw uuidTaken(uuid);
    }
    if (existing.keyHash() == null) {
      // A whole production batch may share one provisioning key, so it must not undo a revocation.
      // Deleting the device is the deliberate way to let it register again.
      throw new ApiException(
          ErrorCode.DEVICE_UUID_TAKEN,
          "Device UUID "
              + uuid
              + " has a revoked key and cannot register again: ask an owner to delete the"
              + " device first");
    }
    boolean provesOwnership =
        request.deviceKey() != null && deviceKey.sha256Hex().equals(existing.keyHash());
    if (provesOwnership) {
      return new Registration(uuid.value(), deviceKey, fleet, existing.approved(), false);
    }
    // Without proof, only a device that never used its key may get a new one: that is the device
    // whose first response was lost. Anyone else would take over a working device's identity.
    if (existing.lastSeenAt() != null) {
      throw uuidTaken(uuid);
    }

    // NOTE: two retries of one device that arrive together both succeed, one after the other.
    // Only the key of the later one works, so the device must keep the response that came last.
    devices.replaceKey(existing.id(), deviceKey.sha256Hex(), blankToNull(request.osVersion()));
    keys.touch(key.id(), now);
    audit.record(
        who,
        "device.registered",
        "device",
        uuid.value(),
        fleet.organizationId(),
        Map.of(
            "fleet", fleet.repositoryPrefix(),
            "provisioningKeyId", key.id(),
            "retry", true));
    return new Registration(uuid.value(), deviceKey, fleet, existing.approved(), false);
  }

  private BearerSecret ownOrNewKey(String ownKey) {
    if (ownKey == null) {
      return BearerSecret.generate(BearerSecret.DEVICE_KEY, random);
    }
    if (!OWN_KEY.matcher(ownKey).matches()) {
      // The value is a secret, so the message describes it without repeating it.
      throw new ApiException(
          ErrorCode.INVALID_DEVICE_KEY,
          "The device key the device sent is not 'sld_' followed by 43 to 200 base64url"
              + " characters: generate 32 random bytes, encode them as unpadded base64url and"
              + " prefix 'sld_', or leave deviceKey out to get a key from the server");
    }
    return new BearerSecret(ownKey);
  }

  private DeviceType checkDeviceType(String slug, Fleet fleet) {
    DeviceType type =
        deviceTypes
            .find(slug)
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.UNKNOWN_DEVICE_TYPE,
                        "Unknown device type '"
                            + slug
                            + "': use one of "
                            + String.join(", ", deviceTypes.slugs())));
    DeviceType fleetType = deviceTypes.find(fleet.deviceType()).orElse(type);
    if (!type.canJoinFleetOf(fleetType)) {
      throw new ApiException(
          ErrorCode.DEVICE_TYPE_MISMATCH,
          "Device type '"
              + type.slug()
              + "' ("
              + type.architecture().name()
              + ") cannot run the "
              + fleetType.architecture().name()
              + " images of fleet '"
              + fleet.repositoryPrefix()
              + "' (device type '"
              + fleetType.slug()
              + "'): use a provisioning key of a fleet for this device type");
    }
    return type;
  }

  private static String checkName(String name, DeviceUuid uuid) {
    if (name == null || name.isBlank()) {
      return uuid.value().substring(0, 7);
    }
    String stripped = name.strip();
    if (stripped.length() > MAX_NAME_LENGTH) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Device name of "
              + stripped.length()
              + " characters is too long: use at most "
              + MAX_NAME_LENGTH);
    }
    return stripped;
  }

  private Long organizationOf(long fleetId) {
    return fleets.findById(fleetId).map(Fleet::organizationId).orElse(null);
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }

  private static ApiException uuidTaken(DeviceUuid uuid) {
    return new ApiException(
        ErrorCode.DEVICE_UUID_TAKEN,
        "Device UUID "
            + uuid
            + " is already registered and in use: generate a new UUID, or ask an owner to delete"
            + " the device that holds it");
  }

  private static ApiException fleetNotFound(Identity who) {
    return new ApiException(
        ErrorCode.FLEET_NOT_FOUND,
        "The fleet of provisioning key "
            + who.id()
            + " no longer exists: ask an owner for a key of an existing fleet");
  }
}
