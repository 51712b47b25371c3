package io.slipway.builder.engine.jib;

import java.nio.file.Path;

/**
 * One file or directory that a {@code COPY} or {@code ADD} puts into the image. Immutable.
 *
 * @param source the file or directory on this machine
 * @param target the absolute path in the image
 */
record Placement(Path source, String target) {}
