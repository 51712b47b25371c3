package io.slipway.api.osimage;

import java.nio.file.Path;

/**
 * The OS images' scratch directory, {@code DATA_DIR/os-images/tmp}: the decompressed start of
 * compressed base images being configured, and copies of base images whose signature is checked.
 *
 * @param directory the directory, which exists
 */
record OsImageScratch(Path directory) {}
