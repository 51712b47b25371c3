package io.slipway.builder.engine.jib;

import java.nio.file.Path;
import java.util.Map;

/**
 * One file or directory that a {@code COPY} or {@code ADD} puts into the image. Immutable.
 *
 * @param source the file or directory on this machine
 * @param target the absolute path in the image
 * @param owners the {@code uid:gid} of files below {@code source} that an unpacked archive
 *     recorded, for {@code ADD}; empty otherwise
 */
record Placement(Path source, String target, Map<Path, String> owners) {

  Placement {
    owners = Map.copyOf(owners);
  }

  Placement(Path source, String target) {
    this(source, target, Map.of());
  }
}
