package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link PartialFileCleanup} deletes when the process is stopped; the shutdown hook itself is
 * left to the JVM, so the test calls the deletion directly.
 */
class PartialFileCleanupTest {

  @TempDir Path directory;

  @Test
  void deletesOnlyTemporaryFilesOfTheOutputs() throws IOException {
    Path image = directory.resolve("out.img.xz");
    Path bmap = directory.resolve("out.img.bmap");
    Path partialImage = PartialFileCleanup.temporaryFile(image);
    Path partialBmap = Files.createFile(directory.resolve("out.img.bmap.tmp-42"));
    Path finished = Files.writeString(directory.resolve("out.img.sha256"), "kept");
    Path other = Files.createFile(directory.resolve("other.img.tmp-7"));

    try (PartialFileCleanup cleanup = PartialFileCleanup.watch(List.of(image, bmap))) {
      cleanup.deletePartialFiles();
    }

    assertThat(partialImage).doesNotExist();
    assertThat(partialBmap).doesNotExist();
    assertThat(finished).exists();
    assertThat(other).exists();
  }
}
