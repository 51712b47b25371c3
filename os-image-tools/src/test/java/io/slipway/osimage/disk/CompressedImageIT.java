package io.slipway.osimage.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.osimage.testing.RecordedImage;
import io.slipway.osimage.testing.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the table and finds the boot partition of a gzip-compressed image, reading its start. */
class CompressedImageIT {

  @TempDir Path directory;

  @Test
  void gptBootFoundInGzipImage() throws IOException {
    Path image = TestImages.genericX86(directory, 4, "EFI System", 32, "resin-boot");
    Path compressed = gzip(image);

    try (RecordedImage source = RecordedImage.open(compressed)) {
      PartitionTable table = PartitionTableReader.read(source);
      Partition boot = BootPartitionFinder.find(source, table, BootPartitionFinder.DEFAULT_LABELS);

      assertThat(table.partitions()).extracting(Partition::number).containsExactly(1, 2, 4, 12, 13);
      assertThat(boot.number()).isEqualTo(4);
      // A compressed image is decompressed as far as it is read: here into the boot partition's
      // root directory, far from the data partition and the backup GPT at the end.
      assertThat(source.readEnd()).isGreaterThan(TestImages.GENERIC_X86_BOOT_OFFSET);
      assertThat(source.readEnd())
          .isLessThan(TestImages.GENERIC_X86_BOOT_OFFSET + TestImages.BOOT_SIZE);
    }
  }

  private Path gzip(Path image) throws IOException {
    Path compressed = directory.resolve(image.getFileName() + ".gz");
    try (InputStream in = Files.newInputStream(image);
        OutputStream out =
            new GZIPOutputStream(Files.newOutputStream(compressed), 1 << 16) {
              {
                def.setLevel(Deflater.BEST_SPEED);
              }
            }) {
      in.transferTo(out);
    }
    return compressed;
  }
}
