package io.slipway.api.osimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.osimage.image.ImageFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class PackingDetectorTest {

  @Test
  void zipIsDetected() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("os.img"));
      zip.write(new byte[512]);
    }

    assertThat(detect(bytes.toByteArray())).isEqualTo(ImageFormat.IMG_ZIP);
  }

  @Test
  void gzipIsDetected() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(new byte[512]);
    }

    assertThat(detect(bytes.toByteArray())).isEqualTo(ImageFormat.IMG_GZ);
  }

  @Test
  void xzAndZstdMagicAreDetected() throws IOException {
    byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4};
    byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x24, 0};

    assertThat(detect(xz)).isEqualTo(ImageFormat.IMG_XZ);
    assertThat(detect(zstd)).isEqualTo(ImageFormat.IMG_ZST);
  }

  @Test
  void anythingElseIsRaw() throws IOException {
    assertThat(detect(new byte[512])).isEqualTo(ImageFormat.IMG);
    assertThat(detect(new byte[] {'P'})).isEqualTo(ImageFormat.IMG);
    assertThat(detect(new byte[0])).isEqualTo(ImageFormat.IMG);
  }

  private static ImageFormat detect(byte[] content) throws IOException {
    return PackingDetector.detect(new ByteArrayInputStream(content));
  }
}
