package io.slipway.api.osimage;

import io.slipway.osimage.image.ImageFormat;
import java.io.IOException;
import java.io.InputStream;

/**
 * Tells how an uploaded image is packed by its first bytes, as {@code file(1)} does: zip, gzip, xz
 * and zstd have magic numbers, and anything else is taken for a raw image, which the image check
 * then accepts or rejects. Stateless.
 */
final class PackingDetector {

  private static final byte[] ZIP = {'P', 'K', 3, 4};
  private static final byte[] GZIP = {(byte) 0x1f, (byte) 0x8b};
  private static final byte[] XZ = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
  private static final byte[] ZSTD = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd};

  private PackingDetector() {}

  /** Reads the first bytes of {@code content} and returns its format; closes nothing. */
  static ImageFormat detect(InputStream content) throws IOException {
    byte[] head = content.readNBytes(XZ.length);
    if (startsWith(head, ZIP)) {
      return ImageFormat.IMG_ZIP;
    }
    if (startsWith(head, GZIP)) {
      return ImageFormat.IMG_GZ;
    }
    if (startsWith(head, XZ)) {
      return ImageFormat.IMG_XZ;
    }
    if (startsWith(head, ZSTD)) {
      return ImageFormat.IMG_ZST;
    }
    return ImageFormat.IMG;
  }

  private static boolean startsWith(byte[] head, byte[] magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
