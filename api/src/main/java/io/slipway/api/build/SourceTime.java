package io.slipway.api.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The time a build source was last changed: the newest modification time of its regular files, in
 * whole seconds. It becomes the release's creation time, the images' creation time and the index's
 * {@code org.opencontainers.image.created} annotation, so that uploading the same files again gives
 * the same digests, as {@code SOURCE_DATE_EPOCH} does for reproducible builds. Stateless.
 */
final class SourceTime {

  private SourceTime() {}

  /**
   * Returns the newest modification time of the regular files under {@code root}, or the epoch when
   * there is none or all carry times before it.
   *
   * @throws UncheckedIOException when the tree cannot be read
   */
  static Instant newestFile(Path root) {
    long newest = 0;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        BasicFileAttributes attributes =
            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isRegularFile()) {
          newest = Math.max(newest, attributes.lastModifiedTime().toInstant().getEpochSecond());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the build source under " + root, e);
    }
    return Instant.ofEpochSecond(newest);
  }
}
