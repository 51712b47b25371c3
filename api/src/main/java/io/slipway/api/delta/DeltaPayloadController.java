package io.slipway.api.delta;

import io.slipway.api.access.AccessControl;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import io.slipway.delta.image.Digest;
import io.slipway.storage.ObjectInfo;
import io.slipway.storage.ObjectNotFoundException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /device/v1/delta/payloads/{digest}}: streams a delta payload from the blob store to a
 * device of a fleet that one of the payload's deltas leads to, so a device reads no other fleet's
 * payloads. A single byte range is served as {@code 206} with {@code Content-Range}, one starting
 * past the end gets {@code 416}; several ranges get the whole payload. The ETag is the quoted
 * digest, and {@code If-Range} with another value gets the whole payload.
 */
@RestController
class DeltaPayloadController {

  private static final String OCTET_STREAM = "application/octet-stream";

  private final AccessControl access;
  private final FleetRepository fleets;
  private final DeltaRepository deltas;
  private final DeltaPayloads payloads;
  private final DeltaRules rules;
  private final Clock clock;

  DeltaPayloadController(
      AccessControl access,
      FleetRepository fleets,
      DeltaRepository deltas,
      DeltaPayloads payloads,
      DeltaRules rules,
      Clock clock) {
    this.access = access;
    this.fleets = fleets;
    this.deltas = deltas;
    this.payloads = payloads;
    this.rules = rules;
    this.clock = clock;
  }

  @GetMapping(DeltaController.PAYLOADS + "{digest}")
  void payload(
      Identity who,
      @PathVariable String digest,
      @RequestHeader(name = HttpHeaders.RANGE, required = false) String range,
      @RequestHeader(name = HttpHeaders.IF_RANGE, required = false) String ifRange,
      HttpServletResponse response)
      throws IOException {
    Device device = access.requireCallingDevice(who);
    Digest payload = requireReadable(device, digest);
    ObjectInfo info = payloads.stat(payload).orElseThrow(() -> notFound(digest));
    String etag = "\"" + payload.value() + "\"";

    ByteRange.Request request =
        ifRange == null || ifRange.strip().equals(etag)
            ? ByteRange.parse(range, info.size())
            : new ByteRange.Whole();
    if (request instanceof ByteRange.Unsatisfiable) {
      throw new RangeNotSatisfiableException(payload, range, info.size());
    }

    response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    response.setHeader(HttpHeaders.ETAG, etag);
    response.setHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=31536000, immutable");
    response.setContentType(OCTET_STREAM);
    long offset = 0;
    long length = info.size();
    if (request instanceof ByteRange.Partial partial) {
      offset = partial.range().first();
      length = partial.range().length();
      response.setStatus(HttpStatus.PARTIAL_CONTENT.value());
      response.setHeader(HttpHeaders.CONTENT_RANGE, partial.range().contentRange(info.size()));
    } else {
      response.setStatus(HttpStatus.OK.value());
    }
    response.setContentLengthLong(length);
    stream(payload, offset, length, response);
  }

  /**
   * Returns the payload {@code digest} when a {@code READY} delta of it leads from an image of the
   * device's fleet to another, and records that use.
   *
   * @throws ApiException {@code INVALID_PARAMETER} when {@code digest} is not a SHA-256 digest;
   *     {@code DELTA_PAYLOAD_NOT_FOUND} otherwise, the same as for a digest no delta has, so other
   *     fleets' payloads stay unseen
   */
  private Digest requireReadable(Device device, String digest) {
    Digest payload;
    try {
      payload = Digest.of(digest);
    } catch (IllegalArgumentException e) {
      // A malformed digest names no payload of any fleet, so saying so reveals nothing.
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "Delta payload '"
              + digest
              + "' is not a digest: use the payload URL that GET /device/v1/delta returns,"
              + " which ends in sha256: and 64 lower-case hex digits");
    }
    Fleet fleet = fleets.findById(device.fleetId()).orElseThrow(() -> notFound(digest));
    long now = clock.millis();
    for (StoredDelta delta : deltas.findReadyByPayload(payload)) {
      // Both ends must be the fleet's own images: a payload also carries bytes of its source, so
      // a fleet that shares only the target image with another must not read the other's payload.
      if (rules.isTargetOf(fleet, delta.target()) && rules.isSourceOf(fleet, delta.source())) {
        deltas.touch(delta.pair(), now, now - DeltaService.TOUCH_INTERVAL_MILLIS);
        return payload;
      }
    }
    throw notFound(digest);
  }

  private void stream(Digest payload, long offset, long length, HttpServletResponse response)
      throws IOException {
    try (InputStream in = payloads.read(payload, offset, length)) {
      OutputStream out = response.getOutputStream();
      in.transferTo(out);
      out.flush();
    } catch (ObjectNotFoundException e) {
      // Evicted between the check and the read; nothing was written yet.
      throw notFound(payload.value());
    }
  }

  private static ApiException notFound(String digest) {
    return new ApiException(
        ErrorCode.DELTA_PAYLOAD_NOT_FOUND,
        "Delta payload '"
            + digest
            + "' is not available to this device: ask GET /device/v1/delta for a current one");
  }

  /** {@code 416} with the {@code Content-Range: bytes *}{@code /SIZE} that RFC 9110 requires. */
  private static final class RangeNotSatisfiableException extends ApiException {

    private final long size;

    RangeNotSatisfiableException(Digest payload, String range, long size) {
      super(
          ErrorCode.DELTA_RANGE_NOT_SATISFIABLE,
          "Range '"
              + range
              + "' starts past the end of delta payload "
              + payload
              + " of "
              + size
              + " bytes: ask for bytes 0 to "
              + (size - 1));
      this.size = size;
    }

    @Override
    public HttpHeaders headers() {
      HttpHeaders headers = new HttpHeaders();
      headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      return headers;
    }
  }
}
