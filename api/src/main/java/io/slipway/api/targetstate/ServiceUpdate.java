package io.slipway.api.targetstate;

/**
 * Progress of a service's move to a new image, as its device reports it. Immutable.
 *
 * @param downloadedBytes bytes received so far for the new image, or null when not reported
 * @param downloadSize bytes to receive in all (a delta payload or the missing blobs), or null when
 *     unknown
 * @param method how the image is fetched, or null when not reported
 * @param message why the last update of the service failed or fell back to a full pull, at most
 *     {@value #MAX_MESSAGE} characters, or null
 */
public record ServiceUpdate(
    Long downloadedBytes, Long downloadSize, UpdateMethod method, String message) {

  /** Longest accepted message, in characters. */
  public static final int MAX_MESSAGE = 500;

  /**
   * @throws IllegalArgumentException naming the value when a byte count is negative or the message
   *     is longer than {@value #MAX_MESSAGE} characters
   */
  public ServiceUpdate {
    requireNotNegative("downloadedBytes", downloadedBytes);
    requireNotNegative("downloadSize", downloadSize);
    if (message != null && message.length() > MAX_MESSAGE) {
      throw new IllegalArgumentException(
          "Message of "
              + message.length()
              + " characters is too long: send at most "
              + MAX_MESSAGE
              + " characters");
    }
  }

  /** Returns null when no field is set, so that a report without update fields stores none. */
  static ServiceUpdate ofNullable(
      Long downloadedBytes, Long downloadSize, UpdateMethod method, String message) {
    if (downloadedBytes == null && downloadSize == null && method == null && message == null) {
      return null;
    }
    return new ServiceUpdate(downloadedBytes, downloadSize, method, message);
  }

  /**
   * Returns the percentage of the download done, 0 to 100, or null when the bytes or a size above
   * zero are missing. Bytes beyond the size count as 100.
   */
  public Integer percentDone() {
    if (downloadedBytes == null || downloadSize == null || downloadSize == 0) {
      return null;
    }
    // Doubles cannot overflow here, and their precision is ample for a whole percentage.
    double percent = Math.floor(100.0 * downloadedBytes / downloadSize);
    return (int) Math.min(100, percent);
  }

  private static void requireNotNegative(String field, Long value) {
    if (value != null && value < 0) {
      throw new IllegalArgumentException(
          "Field " + field + " is " + value + ": send a byte count of 0 or more");
    }
  }
}
