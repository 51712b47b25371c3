package io.slipway.osimage.assemble;

import io.slipway.osimage.disk.Partition;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.SortedMap;

/** The boot partition's source: a directory of boot files or a FAT image. */
sealed interface BootInput permits BootDirectory, BootImage {

  /** Adds everything that decides the boot partition's bytes to {@code digest}. */
  void addTo(InputDigest digest) throws IOException;

  /**
   * Writes the boot filesystem into {@code output} at {@code boot}'s offset, with {@code files}
   * added, and returns the bytes it spans from there.
   *
   * @param volumeId the FAT volume id of a filesystem made from a directory
   * @param modifiedAt the time stamped on files, milliseconds since the epoch
   */
  long write(
      FileChannel output,
      Partition boot,
      String label,
      int volumeId,
      SortedMap<String, byte[]> files,
      long modifiedAt)
      throws IOException;
}
