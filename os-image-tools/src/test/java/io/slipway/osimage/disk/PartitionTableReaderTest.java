package io.slipway.osimage.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.testing.RecordedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rejects inputs that are no disk image, built byte by byte. */
class PartitionTableReaderTest {

  @TempDir Path directory;

  @Test
  void randomBytesAreRejected() throws IOException {
    byte[] random = new byte[1024 * 1024];
    new Random(8).nextBytes(random);

    assertThatThrownBy(() -> read(random))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("instead of the MBR signature 0x55 0xaa");
  }

  @Test
  void zerosAreRejected() {
    assertThatThrownBy(() -> read(new byte[1024 * 1024]))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("sector 0 ends in 0x00 0x00");
  }

  @Test
  void fileShorterThanSectorIsRejected() {
    assertThatThrownBy(() -> read(new byte[100]))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("The image ends at byte 100, inside the master boot record");
  }

  @Test
  void emptyMbrIsRejected() {
    ByteBuffer image = image(1024 * 1024);

    assertThatThrownBy(() -> read(image.array()))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("the MBR lists no partitions");
  }

  @Test
  void invalidBootIndicatorIsRejected() {
    ByteBuffer image = image(1024 * 1024);
    putEntry(image, 0, 0, 0x0c, 2048, 100);
    image.put(446 + 16, (byte) 0x12);

    assertThatThrownBy(() -> read(image.array()))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("MBR entry 2 has the boot indicator 0x12");
  }

  @Test
  void partitionPastImageEndIsRejected() {
    ByteBuffer image = image(1024 * 1024);
    putEntry(image, 0, 0x80, 0x0c, 2048, 4096);

    assertThatThrownBy(() -> read(image.array()))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("Partition 1 ends at byte 3145728")
        .hasMessageContaining("past the end of the 1048576-byte image");
  }

  @Test
  void primariesKeepTheirSlotNumbers() throws IOException {
    ByteBuffer image = image(4 * 1024 * 1024);
    putEntry(image, 1, 0x80, 0x0c, 2048, 100);
    putEntry(image, 3, 0, 0x83, 4096, 200);

    PartitionTable table = read(image.array());

    assertThat(table.partitions())
        .containsExactly(
            new Partition(2, 2048 * 512, 100 * 512, "0c", ""),
            new Partition(4, 4096 * 512, 200 * 512, "83", ""));
  }

  @Test
  void ebrGarbageInThirdSlotIsIgnored() throws IOException {
    ByteBuffer image = image(4 * 1024 * 1024);
    putEntry(image, 0, 0, 0x05, 2048, 4096);
    ByteBuffer ebr = image.slice(2048 * 512, 512).order(ByteOrder.LITTLE_ENDIAN);
    putEntry(ebr, 0, 0, 0x83, 2048, 1024);
    // Lies outside the extended partition, so Linux ignores it, and so do we.
    putEntry(ebr, 2, 0, 0x83, 100_000, 1024);
    ebr.putShort(510, (short) 0xAA55);

    PartitionTable table = read(image.array());

    assertThat(table.partitions())
        .containsExactly(new Partition(5, 4096 * 512, 1024 * 512, "83", ""));
  }

  @Test
  void ebrLinkOutsideExtendedPartitionIsRejected() {
    ByteBuffer image = image(4 * 1024 * 1024);
    putEntry(image, 0, 0, 0x0f, 2048, 4096);
    ByteBuffer ebr = image.slice(2048 * 512, 512).order(ByteOrder.LITTLE_ENDIAN);
    putEntry(ebr, 0, 0, 0x83, 2048, 1024);
    putEntry(ebr, 1, 0, 0x05, 5000, 1024);
    ebr.putShort(510, (short) 0xAA55);

    assertThatThrownBy(() -> read(image.array()))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("links to sector 7048, outside its extended partition");
  }

  @Test
  void protectiveMbrWithoutGptHeaderIsRejected() {
    ByteBuffer image = image(1024 * 1024);
    putEntry(image, 0, 0, 0xee, 1, 2047);

    assertThatThrownBy(() -> read(image.array()))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("does not start with the GPT signature 'EFI PART'");
  }

  @Test
  void gptEntriesPastFirstUsableSectorAreRejected() {
    ByteBuffer image = image(1024 * 1024);
    putEntry(image, 0, 0, 0xee, 1, 2047);
    GptHeader header = new GptHeader(1, 2047, 34, 2014, new UUID(1, 2), 5000, 128, 128, 0);
    image.put(512, header.toSector());

    assertThatThrownBy(() -> read(image.array()))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("places its entries at sectors 5000 to 5031");
  }

  /** Returns a zeroed little-endian image of {@code size} bytes with the MBR signature. */
  private static ByteBuffer image(int size) {
    ByteBuffer image = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    image.putShort(510, (short) 0xAA55);
    return image;
  }

  private static void putEntry(
      ByteBuffer sector, int slot, int status, int type, long firstLba, long sectorCount) {
    int at = 446 + slot * 16;
    sector.put(at, (byte) status);
    sector.put(at + 4, (byte) type);
    sector.putInt(at + 8, (int) firstLba);
    sector.putInt(at + 12, (int) sectorCount);
  }

  private PartitionTable read(byte[] content) throws IOException {
    Path file = Files.write(directory.resolve("image.img"), content);
    try (RecordedImage bytes = RecordedImage.open(file)) {
      return PartitionTableReader.read(bytes);
    }
  }
}
