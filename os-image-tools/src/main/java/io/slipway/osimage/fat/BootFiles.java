package io.slipway.osimage.fat;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.image.ImageBytes;
import io.slipway.osimage.image.ImagePatch;
import java.util.SortedMap;

/**
 * Writes files into the FAT boot partition of a disk image without changing the image: reads go to
 * {@link ImageBytes}, writes are collected into an {@link ImagePatch} in image offsets, all inside
 * the partition. Stateless, thread-safe.
 */
public final class BootFiles {

  private BootFiles() {}

  /**
   * Returns the patch that writes or replaces {@code files} in the FAT filesystem of {@code boot},
   * creating parent directories. The resulting filesystem passes {@code fsck.fat -n}.
   *
   * @param files path inside the partition ({@code config.json}, {@code system-connections/wifi})
   *     to its content
   * @param modifiedAt the time stamped on written files and directories, milliseconds since the
   *     epoch
   * @throws OsImageException {@code UNSUPPORTED_FILESYSTEM}, {@code BOOT_PARTITION_FULL}, {@code
   *     INVALID_CONFIG} for an invalid path
   */
  public static ImagePatch write(
      ImageBytes image, Partition boot, SortedMap<String, byte[]> files, long modifiedAt) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
