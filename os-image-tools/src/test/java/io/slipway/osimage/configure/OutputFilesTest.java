package io.slipway.osimage.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {

  @TempDir Path directory;

  @Test
  void rawNameDropsOneCompressionSuffix() {
    assertThat(OutputFiles.rawName("fleet.img")).isEqualTo("fleet.img");
    assertThat(OutputFiles.rawName("fleet.img.xz")).isEqualTo("fleet.img");
    assertThat(OutputFiles.rawName("fleet.img.ZST")).isEqualTo("fleet.img");
    assertThat(OutputFiles.rawName("fleet.img.gz")).isEqualTo("fleet.img");
    assertThat(OutputFiles.rawName("fleet.img.zip")).isEqualTo("fleet.img");
    assertThat(OutputFiles.rawName("fleet.bin")).isEqualTo("fleet.bin");
    assertThat(OutputFiles.rawName(".xz")).isEqualTo(".xz");
  }

  @Test
  void targetEqualToSourceIsRejected() throws Exception {
    Path source = Files.createFile(directory.resolve("base.img"));

    assertThatThrownBy(() -> OutputFiles.forTarget(source, directory.resolve("./base.img")))
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining("base.img");
  }

  @Test
  void linkToSourceIsRejected() throws Exception {
    Path source = Files.createFile(directory.resolve("base.img"));
    Path link = Files.createSymbolicLink(directory.resolve("link.img"), source);

    assertThatThrownBy(() -> OutputFiles.forTarget(source, link))
        .isInstanceOf(OsImageException.class);
  }
}
