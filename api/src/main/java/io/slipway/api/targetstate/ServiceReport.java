package io.slipway.api.targetstate;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A device's report about one service. Immutable.
 *
 * @param status what the service is doing
 * @param downloadProgress percent of the image downloaded, 0 to 100, or null when not reported
 * @param healthy the result of the service's health check, or null when it has none
 * @param image the digest of the image the service's container runs: an image index or a platform
 *     manifest, {@code sha256:} and 64 lower-case hex digits; null when not reported
 * @param update how the service moves to a new image (bytes, method, message), or null when the
 *     device reported none of it
 */
public record ServiceReport(
    ServiceStatus status,
    Integer downloadProgress,
    Boolean healthy,
    String image,
    ServiceUpdate update) {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * @throws IllegalArgumentException naming the value when the progress is outside 0 to 100 or the
   *     image is not a SHA-256 digest
   */
  public ServiceReport {
    Objects.requireNonNull(status, "status");
    if (downloadProgress != null && (downloadProgress < 0 || downloadProgress > 100)) {
      throw new IllegalArgumentException(
          "Download progress " + downloadProgress + " is not a percentage: send 0 to 100");
    }
    if (image != null && !DIGEST.matcher(image).matches()) {
      throw new IllegalArgumentException(
          "Image '"
              + image
              + "' is not a digest: send sha256: and 64 lower-case hex digits, or leave it out");
    }
  }

  /** Creates a report without update details. */
  public ServiceReport(
      ServiceStatus status, Integer downloadProgress, Boolean healthy, String image) {
    this(status, downloadProgress, healthy, image, null);
  }

  /** Creates a report that names no image. */
  public ServiceReport(ServiceStatus status, Integer downloadProgress, Boolean healthy) {
    this(status, downloadProgress, healthy, null, null);
  }

  /** Returns true when the service runs and its health check, if any, passes. */
  public boolean runsHealthy() {
    return status == ServiceStatus.RUNNING && !Boolean.FALSE.equals(healthy);
  }
}
