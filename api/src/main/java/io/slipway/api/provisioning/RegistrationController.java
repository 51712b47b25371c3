package io.slipway.api.provisioning;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.error.UnauthorizedException;
import io.slipway.api.identity.Identity;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /device/v1/register}: a device registers itself with a provisioning key and receives
 * its device API key. The only endpoint a provisioning key may call, and it takes nothing else.
 * Responds with {@code 201} for a new device and {@code 200} for a retry that issued a new key.
 */
@RestController
public class RegistrationController {

  private final RegistrationService service;

  public RegistrationController(RegistrationService service) {
    this.service = service;
  }

  /** Body of the request. */
  record RegisterDevice(
      String uuid, String deviceType, String name, String osVersion, String deviceKey) {

    @Override
    public String toString() {
      return "RegisterDevice[uuid=" + uuid + ", deviceType=" + deviceType + ", deviceKey=****]";
    }
  }

  /** The fleet as a newly registered device learns it. */
  record FleetSummary(String org, String slug, String deviceType) {}

  /** The response, with the device key shown this once. */
  record RegisteredDevice(String uuid, String deviceKey, FleetSummary fleet, boolean approved) {}

  @PostMapping("/device/v1/register")
  ResponseEntity<RegisteredDevice> register(Identity who, @RequestBody RegisterDevice body) {
    requireProvisioningKey(who);
    RegistrationService.Registration registration =
        service.register(
            who,
            new RegistrationService.Request(
                body.uuid(), body.deviceType(), body.name(), body.osVersion(), body.deviceKey()));
    RegisteredDevice response =
        new RegisteredDevice(
            registration.uuid(),
            registration.deviceKey().value(),
            new FleetSummary(
                registration.fleet().organizationSlug(),
                registration.fleet().slug(),
                registration.fleet().deviceType()),
            registration.approved());
    return ResponseEntity.status(registration.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .cacheControl(CacheControl.noStore())
        .body(response);
  }

  private static void requireProvisioningKey(Identity who) {
    if (who.isAnonymous()) {
      throw new UnauthorizedException(
          "A provisioning key is required: send 'Authorization: Bearer slp_...'");
    }
    if (who.kind() != Identity.Kind.PROVISIONING_KEY) {
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "Only a provisioning key may register a device, not a "
              + who.kind().name().toLowerCase().replace('_', ' ')
              + ": create one under the fleet's provisioning-keys");
    }
  }
}
