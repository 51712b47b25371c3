package io.slipway.agent.client;

/**
 * The reported state of one service. Immutable.
 *
 * @param status {@code downloading}, {@code installing}, {@code running}, {@code exited} or {@code
 *     failed}
 * @param image the digest of the image index the service runs or moves to, or null
 * @param downloadedBytes bytes received so far for the image the service moves to. Once it runs
 *     that image, the bytes received by the update that brought it. Null when unknown.
 * @param downloadSize bytes to receive in all (delta payload or missing blobs) for that image, or
 *     null when unknown
 * @param updateMethod {@code delta} or {@code full} while and after moving to a new image, else
 *     null
 * @param message why the last update of this service failed or fell back to a full pull, or null
 */
public record ServiceState(
    String status,
    String image,
    Long downloadedBytes,
    Long downloadSize,
    String updateMethod,
    String message) {}
