package io.slipway.osimage.fat;

import io.slipway.osimage.OsImageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.SortedMap;

/**
 * Creates a FAT filesystem holding given files, deterministically: the same arguments give the same
 * bytes (volume id, time stamps and layout come only from the arguments). Stateless, thread-safe.
 */
public final class FatImageBuilder {

  private FatImageBuilder() {}

  /**
   * Writes a new FAT filesystem of exactly {@code size} bytes at {@code offset} of {@code target}.
   * FAT16 below 512 MiB, FAT32 from there, the volume label in the boot sector and as the root
   * directory's label entry.
   *
   * @param label the volume label, at most 11 characters of A-Z, 0-9, {@code -} and {@code _}
   *     (lower case is kept as given, as Yocto's {@code resin-boot} is)
   * @param volumeId the 32-bit volume serial number
   * @param files path inside the filesystem to content; directories are created as needed
   * @param modifiedAt the time stamped on every file and directory, milliseconds since the epoch
   * @throws OsImageException {@code BOOT_PARTITION_FULL} when the files do not fit, {@code
   *     INVALID_CONFIG} for a bad label or path
   */
  public static void build(
      FileChannel target,
      long offset,
      long size,
      String label,
      int volumeId,
      SortedMap<String, byte[]> files,
      long modifiedAt)
      throws IOException {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
