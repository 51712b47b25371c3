package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.osimage.image.ImageFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link OutputImage} names outputs and picks their format. */
class OutputImageTest {

  private static final Path INPUT = Path.of("/images/balena-rpi4.img.xz");

  @TempDir Path directory;

  @Test
  void unwritableDirectoryIsAUsageError() {
    // procfs refuses new files even to root, whom permission bits would let through.
    OutputImage output = OutputImage.forConfigure(INPUT, Path.of("/proc/fleet.img"), null);

    assertThatThrownBy(() -> output.requireWritable(INPUT, false, output.files()))
        .isInstanceOfSatisfying(
            CommandFailedException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("cannot create files in the directory /proc");
  }

  @Test
  void fileAsParentIsNotADirectory() throws IOException {
    Path file = Files.writeString(directory.resolve("base.img"), "x");
    OutputImage output = OutputImage.forConfigure(INPUT, file.resolve("fleet.img"), null);

    assertThatThrownBy(() -> output.requireWritable(INPUT, false, output.files()))
        .hasMessageContaining(file + " is not a directory");
  }

  @Test
  void writeCheckLeavesNoFile() throws IOException {
    OutputImage output = OutputImage.forConfigure(INPUT, directory.resolve("fleet.img"), null);

    output.requireWritable(INPUT, false, output.files());

    assertThat(directory).isEmptyDirectory();
  }

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
