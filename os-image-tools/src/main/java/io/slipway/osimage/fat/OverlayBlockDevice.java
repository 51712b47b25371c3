package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import io.slipway.osimage.image.ImageBytes;
import io.slipway.osimage.image.ImagePatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A fat32-lib {@link BlockDevice} over one partition of an image that never writes the image: reads
 * come from {@link ImageBytes} at the partition's offset, writes go to an in-memory overlay of
 * 512-byte sectors, and reads see earlier writes. {@link #toPatch()} turns the overlay into the
 * sectors that really differ from the image. Not safe for concurrent use.
 */
final class OverlayBlockDevice implements BlockDevice {

  private static final int SECTOR = FatGeometry.SECTOR_SIZE;

  private final ImageBytes image;
  private final long partitionOffset;
  private final long size;
  private final NavigableMap<Long, byte[]> written = new TreeMap<>();
  private boolean closed;

  /**
   * @param partitionOffset byte offset of the partition in the image, a multiple of 512
   * @param size the partition's size in bytes
   */
  OverlayBlockDevice(ImageBytes image, long partitionOffset, long size) {
    if (partitionOffset % SECTOR != 0) {
      throw new IllegalArgumentException(
          "Partition offset " + partitionOffset + " is not a multiple of " + SECTOR);
    }
    this.image = image;
    this.partitionOffset = partitionOffset;
    this.size = size / SECTOR * SECTOR;
  }

  @Override
  public long getSize() {
    return size;
  }

  @Override
  public void read(long devOffset, ByteBuffer dest) throws IOException {
    checkOpen();
    int length = dest.remaining();
    checkRange(devOffset, length);

    int start = dest.position();
    readOriginal(devOffset, dest);

    long firstSector = devOffset / SECTOR;
    long lastSector = (devOffset + length - 1) / SECTOR;
    for (Map.Entry<Long, byte[]> sector :
        written.subMap(firstSector, true, lastSector, true).entrySet()) {
      long sectorStart = sector.getKey() * SECTOR;
      long from = Math.max(sectorStart, devOffset);
      long to = Math.min(sectorStart + SECTOR, devOffset + length);
      dest.put(
          start + (int) (from - devOffset),
          sector.getValue(),
          (int) (from - sectorStart),
          (int) (to - from));
    }
    dest.position(start + length);
  }

  @Override
  public void write(long devOffset, ByteBuffer src) throws IOException {
    checkOpen();
    int length = src.remaining();
    checkRange(devOffset, length);

    long position = devOffset;
    while (src.hasRemaining()) {
      long sectorIndex = position / SECTOR;
      int within = (int) (position % SECTOR);
      int count = Math.min(SECTOR - within, src.remaining());
      byte[] sector = written.get(sectorIndex);
      if (sector == null) {
        sector = new byte[SECTOR];
        if (count < SECTOR) {
          readOriginal(sectorIndex * SECTOR, ByteBuffer.wrap(sector));
        }
        written.put(sectorIndex, sector);
      }
      src.get(sector, within, count);
      position += count;
    }
  }

  @Override
  public void flush() {
    // Nothing to do: writes stay in memory until toPatch() is called.
  }

  @Override
  public int getSectorSize() {
    return SECTOR;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  /**
   * Returns every sector written so far whose content differs from the image, at image offsets.
   * Works after {@link #close()} too.
   */
  ImagePatch toPatch() throws IOException {
    ImagePatch.Builder patch = ImagePatch.builder();
    byte[] original = new byte[SECTOR];
    for (Map.Entry<Long, byte[]> sector : written.entrySet()) {
      long offset = sector.getKey() * SECTOR;
      readOriginal(offset, ByteBuffer.wrap(original));
      if (!Arrays.equals(original, sector.getValue())) {
        patch.write(partitionOffset + offset, sector.getValue().clone());
      }
    }
    return patch.build();
  }

  /** Returns the written sectors by sector index within the partition, for writing them out. */
  NavigableMap<Long, byte[]> writtenSectors() {
    return written;
  }

  private void readOriginal(long devOffset, ByteBuffer dest) throws IOException {
    int expected = dest.remaining();
    int read;
    try {
      read = image.read(partitionOffset + devOffset, dest);
    } catch (IOException e) {
      throw new ImageReadException(
          "Reading the image at offset " + (partitionOffset + devOffset) + " failed", e);
    }
    if (read < expected) {
      throw new ImageReadException(
          "The image ends inside the partition at offset "
              + partitionOffset
              + ": "
              + expected
              + " bytes expected at partition offset "
              + devOffset
              + ", "
              + read
              + " read",
          null);
    }
  }

  /** Reading the image itself failed, as opposed to fat32-lib rejecting what it read. */
  static final class ImageReadException extends IOException {

    ImageReadException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private void checkRange(long devOffset, int length) {
    if (devOffset < 0 || devOffset + length > size) {
      throw new IllegalArgumentException(
          "Access of "
              + length
              + " bytes at "
              + devOffset
              + " lies outside the "
              + size
              + "-byte partition");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("The block device is closed");
    }
  }
}
