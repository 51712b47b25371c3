package io.slipway.api.osimage;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.configure.ImageConfigurer.PreparedImage;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.osimage.image.ProgressListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/orgs/{org}/fleets/{fleet}/os-image}: streams the fleet's configured OS image,
 * made while it is sent from the stored base image of the fleet's device type, with a new
 * provisioning key in its config.json. Query parameters: {@code version} (the newest upload when
 * absent), {@code format} ({@code img}, {@code img.zip} by default, {@code img.gz}, {@code img.xz},
 * {@code img.zst}), and the options of {@code POST .../os-config} except Wi-Fi: {@code sshKeys},
 * {@code developmentMode}, {@code persistentLogging}, {@code pollIntervalSeconds}, {@code
 * keyExpiresIn}, {@code maxDevices}, {@code hostname}, {@code dnsServers}, {@code ntpServers}.
 * Takes {@code PROVISIONING_KEY_MANAGE}. Any other query parameter fails with {@code
 * INVALID_PARAMETER}, so a misspelt or unsupported option is not silently left out of the image.
 *
 * <p>Every check runs before the first byte is sent, and fails with a JSON error. A failure after
 * streaming began aborts the connection, so the client never takes a cut image for a whole one.
 */
@RestController
class OsImageDownloadController {

  private static final Logger log = LoggerFactory.getLogger(OsImageDownloadController.class);

  /** The query parameters of the download. Every other one is rejected. */
  private static final Set<String> KNOWN_PARAMETERS =
      Set.of(
          "version",
          "format",
          "sshKeys",
          "developmentMode",
          "persistentLogging",
          "pollIntervalSeconds",
          "keyExpiresIn",
          "maxDevices",
          "hostname",
          "dnsServers",
          "ntpServers");

  private final AccessControl access;
  private final OsImageDownloads downloads;

  OsImageDownloadController(AccessControl access, OsImageDownloads downloads) {
    this.access = access;
    this.downloads = downloads;
  }

  @GetMapping("/api/v1/orgs/{org}/fleets/{fleet}/os-image")
  void download(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestParam(required = false) String version,
      @RequestParam(defaultValue = "img.zip") String format,
      @RequestParam(required = false) Boolean sshKeys,
      @RequestParam(required = false) Boolean developmentMode,
      @RequestParam(required = false) Boolean persistentLogging,
      @RequestParam(required = false) Integer pollIntervalSeconds,
      @RequestParam(required = false) String keyExpiresIn,
      @RequestParam(required = false) Long maxDevices,
      @RequestParam(required = false) String hostname,
      @RequestParam(required = false) List<String> dnsServers,
      @RequestParam(required = false) List<String> ntpServers,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    Fleet found = access.requireFleet(who, org, fleet, Permission.PROVISIONING_KEY_MANAGE);
    rejectUnknownParameters(request);
    ImageFormat imageFormat = parseFormat(format);
    OsConfigBody options =
        new OsConfigBody(
            version,
            hostname == null && dnsServers == null && ntpServers == null
                ? null
                : new OsConfigBody.NetworkBody(hostname, null, dnsServers, ntpServers),
            sshKeys,
            developmentMode,
            persistentLogging,
            pollIntervalSeconds,
            keyExpiresIn,
            maxDevices);

    try (OsImageDownloads.Download download =
        downloads.prepare(
            who, found, options.toOptions(), imageFormat, OsConfigController.requestBase())) {
      try {
        send(download, imageFormat, response);
      } catch (StreamingFailedException e) {
        downloads.revokeUnfinished(who, found, download.keyId());
        throw e;
      }
    }
  }

  private static void send(
      OsImageDownloads.Download download, ImageFormat format, HttpServletResponse response)
      throws IOException {
    PreparedImage image = download.image();
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(contentType(format));
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    response.setHeader(
        HttpHeaders.CONTENT_DISPOSITION,
        ContentDisposition.attachment().filename(download.fileName()).build().toString());
    response.setHeader(OsConfigController.KEY_HEADER, String.valueOf(download.keyId()));
    long size = image.outputSize(format);
    if (size >= 0) {
      response.setContentLengthLong(size);
    }

    OutputStream out = response.getOutputStream();
    try {
      image.writeTo(out, format, download.imageName(), ProgressListener.NONE);
      out.flush();
    } catch (IOException | RuntimeException e) {
      throw new StreamingFailedException(download.fileName(), e);
    }
  }

  /**
   * Lets a failure after the first byte reach the servlet container, which closes the connection
   * without ending the response. A JSON error, which other failures get, would be appended to the
   * image bytes already sent, and the response would end as if it were complete.
   */
  @ExceptionHandler(StreamingFailedException.class)
  void abort(StreamingFailedException e) throws StreamingFailedException {
    // The servlet container logs the exception with its stack trace when it closes the connection.
    log.warn(
        "Sending OS image {} failed after streaming began, closing the connection: {}",
        e.fileName,
        e.getCause().toString());
    throw e;
  }

  /**
   * Rejects a query parameter the download does not take, before a provisioning key is made.
   *
   * @throws ApiException {@code INVALID_PARAMETER} naming the first unknown parameter
   */
  private static void rejectUnknownParameters(HttpServletRequest request) {
    for (String name : request.getParameterMap().keySet()) {
      if (KNOWN_PARAMETERS.contains(name)) {
        continue;
      }
      if (name.toLowerCase(Locale.ROOT).contains("wifi")) {
        throw new ApiException(
            ErrorCode.INVALID_PARAMETER,
            "Query parameter '"
                + name
                + "' is not supported: Wi-Fi cannot be set on a download, because the"
                + " passphrase would end up in URLs and access logs. Get the config with POST"
                + " .../os-config and write it into the image with slipway os configure --config");
      }
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "Query parameter '"
              + name
              + "' is not supported: use only "
              + String.join(", ", KNOWN_PARAMETERS.stream().sorted().toList()));
    }
  }

  private static ImageFormat parseFormat(String format) {
    try {
      return ImageFormat.fromName(format);
    } catch (OsImageException e) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, e.getMessage());
    }
  }

  private static String contentType(ImageFormat format) {
    return switch (format) {
      case IMG -> "application/octet-stream";
      case IMG_ZIP -> "application/zip";
      case IMG_GZ -> "application/gzip";
      case IMG_XZ -> "application/x-xz";
      case IMG_ZST -> "application/zstd";
    };
  }

  /** Writing the image failed after its first bytes may have been sent. */
  static final class StreamingFailedException extends IOException {

    private final String fileName;

    StreamingFailedException(String fileName, Exception cause) {
      super("Sending OS image " + fileName + " failed after streaming began", cause);
      this.fileName = fileName;
    }
  }
}
