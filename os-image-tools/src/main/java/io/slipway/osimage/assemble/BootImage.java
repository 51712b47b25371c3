package io.slipway.osimage.assemble;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.fat.BootFiles;
import io.slipway.osimage.image.FileImageBytes;
import io.slipway.osimage.image.ImagePatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SortedMap;

/** A FAT filesystem image that becomes the boot partition, with files added to it. */
final class BootImage implements BootInput {

  private final Path image;
  private final long size;

  private BootImage(Path image, long size) {
    this.image = image;
    this.size = size;
  }

  /**
   * Checks that {@code image} is a FAT filesystem image no larger than {@code maxBytes}.
   *
   * @throws OsImageException {@code INVALID_INPUT} when it is missing or not FAT, {@code
   *     BOOT_PARTITION_FULL} when it is larger than the boot partition
   */
  static BootImage open(Path image, long maxBytes) throws IOException {
    if (!Files.isRegularFile(image)) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Boot image " + image + " not found: give the FAT image Yocto deployed");
    }
    long size = Files.size(image);
    if (size > maxBytes) {
      throw new OsImageException(
          OsImageFailure.BOOT_PARTITION_FULL,
          "Boot image "
              + image
              + " has "
              + size
              + " bytes, more than the boot partition's "
              + maxBytes
              + ": give a larger boot partition size");
    }
    if (!looksLikeFat(image)) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Boot image "
              + image
              + " is not a FAT filesystem (no FAT boot sector): give a FAT image"
              + " or a directory of boot files");
    }
    return new BootImage(image, size);
  }

  /** Checks the boot sector signature, the sector size and the FAT count of a FAT boot sector. */
  private static boolean looksLikeFat(Path image) throws IOException {
    ByteBuffer sector = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
      while (sector.hasRemaining()) {
        if (channel.read(sector, sector.position()) < 0) {
          return false;
        }
      }
    }
    int bytesPerSector = sector.getShort(11) & 0xFFFF;
    int fats = sector.get(16) & 0xFF;
    boolean signed = sector.get(510) == 0x55 && sector.get(511) == (byte) 0xAA;
    boolean sectorSizeValid = bytesPerSector >= 512 && Integer.bitCount(bytesPerSector) == 1;
    return signed && sectorSizeValid && fats >= 1;
  }

  @Override
  public void addTo(InputDigest digest) throws IOException {
    digest.addFile("boot image", image);
  }

  @Override
  public long write(
      FileChannel output,
      Partition boot,
      String label,
      int volumeId,
      SortedMap<String, byte[]> files,
      long modifiedAt)
      throws IOException {
    try (FileChannel source = FileChannel.open(image, StandardOpenOption.READ)) {
      long copied = 0;
      while (copied < size) {
        copied += source.transferTo(copied, size - copied, output.position(boot.offset() + copied));
      }
    }
    if (files.isEmpty()) {
      return size;
    }
    // The filesystem spans the image, not the whole partition, so BootFiles gets only that extent.
    Partition filesystem =
        new Partition(boot.number(), boot.offset(), size, boot.type(), boot.name());
    ImagePatch patch =
        BootFiles.write(FileImageBytes.of(output, "boot image"), filesystem, files, modifiedAt);
    for (ImagePatch.Range range : patch.ranges()) {
      ByteBuffer content = ByteBuffer.wrap(range.content());
      while (content.hasRemaining()) {
        output.write(content, range.offset() + content.position());
      }
    }
    return size;
  }

  @Override
  public String toString() {
    return "boot image " + image;
  }
}
