package io.slipway.osimage.assemble;

import io.slipway.osimage.configure.OutputFiles;

/**
 * The size, SHA-256 and bmap of an assembled image.
 *
 * @param rawSize the image's size in bytes
 * @param sha256 lower-case hex SHA-256 of the image
 * @param bmap the image's bmap file (bmaptool format 2.0), UTF-8 XML; the array is not copied
 */
public record AssembleResult(long rawSize, String sha256, byte[] bmap)
    implements OutputFiles.WrittenImage {}
