package io.slipway.osimage.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * Random read access to the bytes of a raw (uncompressed) disk image. Over a compressed source, an
 * implementation decompresses lazily and keeps what it has read in a scratch file, so reading the
 * partition table and the boot partition of an image costs a read of its start only.
 *
 * <p>Not safe for concurrent use.
 */
public interface ImageBytes {

  /**
   * Fills {@code target} from position {@code offset} of the raw image, fully unless the image ends
   * first.
   *
   * @param offset byte offset from the start of the raw image
   * @return how many bytes were read: fewer than asked only at the end of the image
   * @throws IOException when reading or decompressing fails
   */
  int read(long offset, ByteBuffer target) throws IOException;

  /**
   * Returns the raw image's size in bytes when it is known without reading the whole image (a raw
   * file, a zip entry, an xz index, a zstd frame header).
   */
  OptionalLong knownSize();
}
