package io.slipway.api.devicelog;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;

/**
 * Device logs: devices send batches of lines ({@code POST /device/v1/{uuid}/logs}), people read the
 * newest lines ({@code GET /api/v1/devices/{uuid}/logs}) and follow new ones as server-sent events
 * ({@code GET /api/v1/devices/{uuid}/logs/stream}).
 */
@RestController
public class DeviceLogController {

  /** Lines returned by a read without {@code count}. */
  static final int DEFAULT_COUNT = 1_000;

  private final AccessControl access;
  private final DeviceLogService logs;
  private final DeviceLogFollowers followers;
  private final ObjectMapper json;

  public DeviceLogController(
      AccessControl access,
      DeviceLogService logs,
      DeviceLogFollowers followers,
      ObjectMapper json) {
    this.access = access;
    this.logs = logs;
    this.followers = followers;
    this.json = json;
  }

  /**
   * Stores a batch of the calling device's log lines; only the device itself may send them. The
   * body is a JSON array of at most 1,000 lines and 1 MiB.
   */
  @PostMapping("/device/v1/{uuid}/logs")
  public ResponseEntity<Void> append(
      @PathVariable String uuid, Identity who, HttpServletRequest request) throws IOException {
    Device device = access.requireOwnDevice(who, uuid);

    byte[] body = readBody(request);
    List<DeviceLogLine> lines = DeviceLogBatch.parse(body, json);
    logs.store(device.id(), device.uuid(), lines);
    return ResponseEntity.noContent().build();
  }

  /**
   * Returns the newest lines of a device, oldest first.
   *
   * @param count at most this many lines, 1 to the number retained per device
   * @param since only lines the device wrote at or after this time, milliseconds since the epoch
   */
  @GetMapping("/api/v1/devices/{uuid}/logs")
  public List<StoredLogLine> read(
      @PathVariable String uuid,
      @RequestParam(required = false) Integer count,
      @RequestParam(required = false) Long since,
      Identity who) {
    Device device = access.requireDevice(who, uuid, Permission.FLEET_READ);

    int lines = count == null ? Math.min(DEFAULT_COUNT, logs.retainedLines()) : count;
    if (lines < 1 || lines > logs.retainedLines()) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "count="
              + lines
              + " is out of range: ask for 1 to "
              + logs.retainedLines()
              + " lines, the number kept per device");
    }
    if (since != null && since < 0) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "since=" + since + " is negative: give milliseconds since the epoch");
    }
    return logs.newest(device.id(), lines, since == null ? 0 : since);
  }

  /**
   * Follows a device's log: a stream of server-sent events named {@code log}, one per line stored
   * after the request, each with the line as JSON. The stream ends after 30 minutes; reconnect to
   * go on. A {@code Last-Event-ID} header (which browsers send when they reconnect) first replays
   * the retained lines after that id.
   *
   * <p>NOTE: access is checked when the stream opens only, so a member removed from the
   * organization, or a revoked session, keeps receiving lines until the stream ends.
   */
  @GetMapping(
      value = "/api/v1/devices/{uuid}/logs/stream",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public SseEmitter follow(
      @PathVariable String uuid,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      Identity who) {
    Device device = access.requireDevice(who, uuid, Permission.FLEET_READ);

    Long afterId = lastEventId == null ? null : lineId(lastEventId);
    return followers.follow(device.id(), device.uuid(), afterId);
  }

  private static long lineId(String lastEventId) {
    try {
      long id = Long.parseLong(lastEventId.strip());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // Reported below with the other invalid values.
    }
    throw new ApiException(
        ErrorCode.INVALID_PARAMETER,
        "Last-Event-ID '"
            + lastEventId
            + "' is not a log line id: send the id of the last event received, or no header");
  }

  private static byte[] readBody(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > DeviceLogBatch.MAX_BYTES) {
      throw tooLarge(declared);
    }
    // Reads one byte past the limit, so that a body without a length cannot grow without bound.
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(DeviceLogBatch.MAX_BYTES + 1);
      if (body.length > DeviceLogBatch.MAX_BYTES) {
        throw tooLarge(body.length);
      }
      return body;
    }
  }

  private static ApiException tooLarge(long bytes) {
    return new ApiException(
        ErrorCode.DEVICE_LOG_BATCH_TOO_LARGE,
        "The log batch has "
            + (bytes > DeviceLogBatch.MAX_BYTES ? "more than " + DeviceLogBatch.MAX_BYTES : bytes)
            + " bytes; send at most "
            + DeviceLogBatch.MAX_BYTES
            + " bytes per request, in several batches");
  }
}
