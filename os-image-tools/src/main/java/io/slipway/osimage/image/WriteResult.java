package io.slipway.osimage.image;

/**
 * The outcome of writing a configured image.
 *
 * @param rawSize the raw image's size in bytes
 * @param sha256 lower-case hex SHA-256 of the raw image
 * @param bmap the raw image's bmap file (bmaptool format 2.0), UTF-8 XML
 * @param bytesWritten bytes written to the output, in its format
 */
public record WriteResult(long rawSize, String sha256, byte[] bmap, long bytesWritten) {}
