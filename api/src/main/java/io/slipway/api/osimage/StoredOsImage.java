package io.slipway.api.osimage;

/**
 * A base OS image as the {@code os_image} table stores it.
 *
 * @param id row id
 * @param deviceType slug of the device type it runs on
 * @param version its OS version
 * @param sha256 lower-case hex SHA-256 of the file as uploaded, which names its blob
 * @param size the uploaded file's size in bytes
 * @param rawSize the raw disk image's size in bytes
 * @param format how the upload is packed: {@code img}, {@code img.zip}, {@code img.gz}, {@code
 *     img.xz} or {@code img.zst}
 * @param bootLabel the label or GPT name of the boot partition found at upload, or null
 * @param uploadedBy subject of the administrator who uploaded it
 * @param uploadedAt upload time, milliseconds since the epoch
 * @param signatureKeyHint hint of the trusted key whose bundle verified it, or null when unsigned
 */
public record StoredOsImage(
    long id,
    String deviceType,
    String version,
    String sha256,
    long size,
    long rawSize,
    String format,
    String bootLabel,
    String uploadedBy,
    long uploadedAt,
    String signatureKeyHint) {}
