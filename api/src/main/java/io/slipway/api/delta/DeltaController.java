package io.slipway.api.delta;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.slipway.api.access.AccessControl;
import io.slipway.api.delta.DeltaRules.Allowed;
import io.slipway.api.delta.DeltaRules.Decision;
import io.slipway.api.delta.DeltaService.Full;
import io.slipway.api.delta.DeltaService.Generating;
import io.slipway.api.delta.DeltaService.Outcome;
import io.slipway.api.delta.DeltaService.Ready;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /device/v1/delta?from=&to=}: a device asks how to move from the platform manifest it
 * runs to the one it should run. The answer is the signed delta manifest and where to download its
 * payload, "generating" with {@code 202} and {@code Retry-After}, or "full" when the device should
 * pull the target whole. The device is the caller, identified by its device key; the rules are in
 * {@link DeltaRules}.
 */
@RestController
class DeltaController {

  /** The path of a payload download, followed by its digest. */
  static final String PAYLOADS = "/device/v1/delta/payloads/";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final AccessControl access;
  private final FleetRepository fleets;
  private final DeltaRules rules;
  private final DeltaService deltas;

  DeltaController(
      AccessControl access, FleetRepository fleets, DeltaRules rules, DeltaService deltas) {
    this.access = access;
    this.fleets = fleets;
    this.rules = rules;
    this.deltas = deltas;
  }

  /**
   * The answer to a delta request. Fields that do not apply to the status are left out.
   *
   * @param status {@code ready}, {@code generating} or {@code full}
   * @param reason for {@code full}: why there is no delta
   * @param retryAfterSeconds for {@code generating}: whole seconds to wait before asking again,
   *     also sent as {@code Retry-After}
   * @param source for {@code ready}: the base platform manifest digest
   * @param target for {@code ready}: the target platform manifest digest
   * @param bundle for {@code ready}: the Sigstore bundle of the signed delta manifest, as a JSON
   *     object; verify it before applying the payload
   * @param payload for {@code ready}: where to download the payload
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record DeltaBody(
      String status,
      String reason,
      Long retryAfterSeconds,
      String source,
      String target,
      JsonNode bundle,
      PayloadBody payload) {}

  /**
   * A delta payload's download.
   *
   * @param url the path to GET it from, with the device key; byte ranges are supported
   * @param size its size in bytes
   * @param digest its digest, which the signed delta manifest states too
   */
  record PayloadBody(String url, long size, String digest) {}

  @GetMapping("/device/v1/delta")
  ResponseEntity<DeltaBody> delta(
      Identity who,
      @RequestParam(name = "from", required = false) String from,
      @RequestParam(name = "to") String to) {
    Device device = access.requireCallingDevice(who);
    Fleet fleet =
        fleets
            .findById(device.fleetId())
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.DEVICE_NOT_FOUND,
                        "Device " + device.uuid() + " has no fleet any more; register it again"));

    Decision decision = rules.decide(device.id(), fleet, from, to);
    if (decision instanceof Allowed allowed) {
      return respond(deltas.request(allowed.pair(), allowed.location()));
    }
    return respond(new Full(((DeltaRules.Full) decision).reason()));
  }

  private static ResponseEntity<DeltaBody> respond(Outcome outcome) {
    if (outcome instanceof Ready ready) {
      return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(ready(ready.delta()));
    }
    if (outcome instanceof Generating generating) {
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .header(HttpHeaders.RETRY_AFTER, String.valueOf(generating.retryAfterSeconds()))
          .cacheControl(CacheControl.noStore())
          .body(
              new DeltaBody(
                  "generating", null, generating.retryAfterSeconds(), null, null, null, null));
    }
    Full full = (Full) outcome;
    return ResponseEntity.ok()
        .cacheControl(CacheControl.noStore())
        .body(new DeltaBody("full", full.reason(), null, null, null, null, null));
  }

  private static DeltaBody ready(StoredDelta delta) {
    return new DeltaBody(
        "ready",
        null,
        null,
        delta.source().value(),
        delta.target().value(),
        JSON.readTree(delta.bundle()),
        new PayloadBody(
            PAYLOADS + delta.payloadDigest().value(),
            delta.payloadSize(),
            delta.payloadDigest().value()));
  }
}
