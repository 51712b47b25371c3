package io.slipway.osimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.osimage.testing.ExternalTool;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bmaptool 3.6 reads the bmaps the writer makes and reproduces the image from each output. */
class BmaptoolCopyTest {

  private static final String BMAPTOOL = "/usr/bin/bmaptool";

  @TempDir Path directory;

  @Test
  void bmaptoolCopyReproducesEveryOutput() throws Exception {
    byte[] image = SampleImages.raw();
    Path base = SampleImages.xz(SampleImages.writeRaw(directory, "base", image));
    for (ImageFormat format :
        new ImageFormat[] {
          ImageFormat.IMG,
          ImageFormat.IMG_GZ,
          ImageFormat.IMG_XZ,
          ImageFormat.IMG_ZST,
          ImageFormat.IMG_ZIP
        }) {
      Path out = directory.resolve("out." + format.extension());
      WriteResult result;
      try (SourceImage source = ImageSources.open(base, directory.resolve("scratch"));
          OutputStream stream = Files.newOutputStream(out)) {
        result =
            ImageWriter.write(
                source, ImagePatch.empty(), stream, format, "out.img", 0, ProgressListener.NONE);
      }
      Path bmap = directory.resolve("out.img.bmap");
      Files.write(bmap, result.bmap());
      Path copy = directory.resolve("copy-" + format + ".img");

      ExternalTool.output(
          BMAPTOOL,
          "bmap-tools",
          "copy",
          "--bmap",
          bmap.toString(),
          out.toString(),
          copy.toString());

      assertThat(Files.readAllBytes(copy)).as(format.toString()).isEqualTo(image);
    }
  }

  @Test
  void bmaptoolCopiesZip64Archive() throws Exception {
    byte[] image = SampleImages.raw();
    Path base = SampleImages.gzip(SampleImages.writeRaw(directory, "base", image));
    Path out = directory.resolve("fleet.img.zip");
    WriteResult result;
    try (SourceImage source = ImageSources.open(base, directory.resolve("scratch"));
        OutputStream stream = Files.newOutputStream(out)) {
      result =
          ImageWriter.write(
              source,
              ImagePatch.empty(),
              stream,
              ImageFormat.IMG_ZIP,
              "fleet.img",
              0,
              ProgressListener.NONE);
    }
    Files.write(directory.resolve("fleet.img.bmap"), result.bmap());
    Path copy = directory.resolve("copy.img");

    ExternalTool.output(BMAPTOOL, "bmap-tools", "copy", out.toString(), copy.toString());

    assertThat(Files.readAllBytes(copy)).isEqualTo(image);
  }

  @Test
  void bmaptoolFindsTheBmapNextToACompressedImage() throws Exception {
    byte[] image = SampleImages.raw();
    Path base = SampleImages.writeRaw(directory, "base", image);
    Path out = directory.resolve("fleet.img.xz");
    WriteResult result;
    try (SourceImage source = ImageSources.open(base, directory.resolve("scratch"));
        OutputStream stream = Files.newOutputStream(out)) {
      result =
          ImageWriter.write(
              source,
              ImagePatch.empty(),
              stream,
              ImageFormat.IMG_XZ,
              "fleet.img",
              0,
              ProgressListener.NONE);
    }
    Files.write(directory.resolve("fleet.img.bmap"), result.bmap());
    Path copy = directory.resolve("copy.img");

    // Without a bmap, bmaptool copy fails unless given --nobmap: success means it found this one.
    ExternalTool.output(BMAPTOOL, "bmap-tools", "copy", out.toString(), copy.toString());

    assertThat(Files.readAllBytes(copy)).isEqualTo(image);
  }
}
