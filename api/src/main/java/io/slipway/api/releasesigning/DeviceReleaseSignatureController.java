package io.slipway.api.releasesigning;

import io.slipway.api.access.AccessControl;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.ReleaseService;
import java.util.Base64;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The signed release document of a release of the device's own fleet, for the device itself with
 * its device key. A release of another fleet gets the same {@code RELEASE_NOT_FOUND} as an id that
 * does not exist.
 */
@RestController
class DeviceReleaseSignatureController {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final AccessControl access;
  private final ReleaseService releases;
  private final ReleaseSignatureRepository signatures;

  DeviceReleaseSignatureController(
      AccessControl access, ReleaseService releases, ReleaseSignatureRepository signatures) {
    this.access = access;
    this.releases = releases;
    this.signatures = signatures;
  }

  /**
   * A release signature as sent to devices.
   *
   * @param document the canonical release document, base64 of its exact bytes, because its digest
   *     is taken over those bytes and a JSON re-encoding would change them
   * @param documentDigest {@code sha256:} and the hex SHA-256 of the decoded document
   * @param bundle the Sigstore bundle JSON that signs the document, as a JSON object
   */
  record SignatureBody(String document, String documentDigest, JsonNode bundle) {}

  @GetMapping("/device/v1/{uuid}/releases/{id}/signature")
  SignatureBody signature(
      Identity who, @PathVariable String uuid, @PathVariable("id") long releaseId) {
    Device device = access.requireOwnDevice(who, uuid);
    boolean ownFleet =
        releases.find(releaseId).filter(r -> r.fleetId() == device.fleetId()).isPresent();
    if (!ownFleet) {
      throw new ApiException(
          ErrorCode.RELEASE_NOT_FOUND,
          "Release "
              + releaseId
              + " is not a release of the fleet of device "
              + uuid
              + "; take the id from the device's target state");
    }
    ReleaseSignature signature =
        signatures
            .findByRelease(releaseId)
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.RELEASE_NOT_SIGNED,
                        "Release "
                            + releaseId
                            + " has no signature: it is still running, it failed, or it was finished"
                            + " through the release API, which does not sign; install only signed releases"));
    return new SignatureBody(
        Base64.getEncoder().encodeToString(signature.document()),
        signature.documentDigest(),
        JSON.readTree(signature.bundle()));
  }
}
