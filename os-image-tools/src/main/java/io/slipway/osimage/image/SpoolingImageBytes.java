package io.slipway.osimage.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * A raw image read from a forward-only stream, usually a decompressor. Random reads decompress
 * forward as far as they reach and keep everything decompressed so far in a scratch file, so the
 * partition table and boot partition can be read again. {@link #rawStream()} then replays that
 * prefix and continues with the same stream, and a second call is rejected, so the image is
 * decompressed exactly once. The scratch file is deleted on close. On Linux the JDK unlinks it as
 * soon as it is opened, so not even a killed process leaves it behind. Not safe for concurrent use.
 */
final class SpoolingImageBytes extends SourceImage {

  private static final int CHUNK = 1 << 20;

  private final InputStream raw;
  private final OptionalLong knownSize;
  private final Path spoolFile;
  private final FileChannel spool;
  private final byte[] chunk = new byte[CHUNK];
  private long spooled;
  private boolean ended;

  private SpoolingImageBytes(
      String name, InputStream raw, OptionalLong knownSize, Path spoolFile, FileChannel spool) {
    super(name);
    this.raw = raw;
    this.knownSize = knownSize;
    this.spoolFile = spoolFile;
    this.spool = spool;
  }

  /**
   * Returns the image read from {@code raw}, spooling into a new file in {@code scratchDirectory}.
   * Takes ownership of {@code raw}: it is closed when this is closed, or now if this fails.
   */
  static SpoolingImageBytes open(
      String name, InputStream raw, OptionalLong knownSize, Path scratchDirectory)
      throws IOException {
    try {
      Files.createDirectories(scratchDirectory);
      Path spoolFile = Files.createTempFile(scratchDirectory, "image-", ".spool");
      FileChannel spool =
          FileChannel.open(
              spoolFile,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              StandardOpenOption.DELETE_ON_CLOSE);
      return new SpoolingImageBytes(name, raw, knownSize, spoolFile, spool);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  @Override
  public int read(long offset, ByteBuffer target) throws IOException {
    spoolUpTo(offset + target.remaining());
    int total = 0;
    while (target.hasRemaining() && offset + total < spooled) {
      int length = (int) Math.min(target.remaining(), spooled - offset - total);
      ByteBuffer slice = target.slice().limit(length);
      int read = spool.read(slice, offset + total);
      if (read < 0) {
        break;
      }
      target.position(target.position() + read);
      total += read;
    }
    return total;
  }

  /** Returns how many bytes of the raw image the scratch file holds. */
  long spooledBytes() {
    return spooled;
  }

  private void spoolUpTo(long end) throws IOException {
    while (spooled < end && !ended) {
      int read = raw.read(chunk, 0, chunk.length);
      if (read < 0) {
        ended = true;
        return;
      }
      ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, read);
      while (buffer.hasRemaining()) {
        spooled += spool.write(buffer, spooled);
      }
    }
  }

  @Override
  public OptionalLong knownSize() {
    return knownSize;
  }

  @Override
  InputStream openRawStream() {
    return new SequenceInputStream(new ChannelRangeInputStream(spool, 0, spooled), raw);
  }

  @Override
  public void close() throws IOException {
    try (spool) {
      raw.close();
    } finally {
      Files.deleteIfExists(spoolFile);
    }
  }
}
