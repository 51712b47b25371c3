package io.slipway.api.release;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A single device's pinned release: release managers set and remove it. */
@RestController
class DevicePinController {

  private final AccessControl access;
  private final PromotionService promotions;

  DevicePinController(AccessControl access, PromotionService promotions) {
    this.access = access;
    this.promotions = promotions;
  }

  /** Body of {@code PUT /api/v1/devices/{uuid}/pin}. */
  record PinRequest(Long releaseId) {}

  /** A device's pin as sent; {@code releaseId} is null when the device has none. */
  record PinBody(String uuid, Long releaseId, long targetVersion) {}

  @PutMapping("/api/v1/devices/{uuid}/pin")
  PinBody pin(Identity who, @PathVariable String uuid, @RequestBody PinRequest body) {
    Device device = access.requireDevice(who, uuid, Permission.RELEASE_PROMOTE);
    if (body.releaseId() == null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Send {\"releaseId\": <id>} to pin device "
              + uuid
              + ", or DELETE the pin to let it follow its fleet");
    }
    return body(promotions.pinDevice(who, device, body.releaseId()));
  }

  @DeleteMapping("/api/v1/devices/{uuid}/pin")
  PinBody unpin(Identity who, @PathVariable String uuid) {
    Device device = access.requireDevice(who, uuid, Permission.RELEASE_PROMOTE);
    return body(promotions.unpinDevice(who, device));
  }

  private static PinBody body(Device device) {
    return new PinBody(device.uuid(), device.pinnedReleaseId(), device.targetVersion());
  }
}
