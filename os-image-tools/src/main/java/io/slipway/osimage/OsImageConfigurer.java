package io.slipway.osimage;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a fleet's configuration into the boot partition of a flashable OS image, leaving every
 * other partition byte-identical.
 *
 * <p>NOTE: no implementation exists yet; it arrives with flashable OS images.
 */
public interface OsImageConfigurer {

  /**
   * Copies {@code source} to {@code target} with {@code files} (path in the boot partition to
   * content) written into its boot partition.
   */
  void configure(Path source, Path target, Map<String, byte[]> files);
}
