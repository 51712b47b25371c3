package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.osimage.image.ImageFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How {@link OutputImage} names outputs and picks their format. */
class OutputImageTest {

  private static final Path INPUT = Path.of("/images/balena-rpi4.img.xz");

  @Test
  void defaultOutputKeepsInputFormat() {
    OutputImage output = OutputImage.forConfigure(INPUT, null, null);

    assertThat(output.image()).isEqualTo(Path.of("/images/balena-rpi4-configured.img.xz"));
    assertThat(output.format()).isEqualTo(ImageFormat.IMG_XZ);
  }

  @Test
  void formatOptionNamesTheDefaultOutput() {
    OutputImage output = OutputImage.forConfigure(INPUT, null, ImageFormat.IMG_ZIP);

    assertThat(output.image()).isEqualTo(Path.of("/images/balena-rpi4-configured.img.zip"));
  }

  @Test
  void outputNameChoosesTheFormat() {
    OutputImage output = OutputImage.forConfigure(INPUT, Path.of("/tmp/fleet.img.zst"), null);

    assertThat(output.format()).isEqualTo(ImageFormat.IMG_ZST);
  }

  @Test
  void outputWithoutKnownExtensionKeepsTheInputFormat() {
    OutputImage output = OutputImage.forConfigure(INPUT, Path.of("/tmp/fleet.bin"), null);

    assertThat(output.format()).isEqualTo(ImageFormat.IMG_XZ);
  }

  @Test
  void inputWithoutKnownExtensionIsRaw() {
    OutputImage output = OutputImage.forConfigure(Path.of("/images/disk.raw"), null, null);

    assertThat(output.image()).isEqualTo(Path.of("/images/disk-configured.img"));
    assertThat(output.format()).isEqualTo(ImageFormat.IMG);
  }

  @Test
  void sidecarsNamedAfterRawImage() {
    OutputImage output = OutputImage.forConfigure(INPUT, null, null);

    assertThat(output.bmap()).isEqualTo(Path.of("/images/balena-rpi4-configured.img.bmap"));
    assertThat(output.sha256()).isEqualTo(Path.of("/images/balena-rpi4-configured.img.sha256"));
  }
}
