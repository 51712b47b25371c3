package io.slipway.builder.engine.jib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists what a {@link Placement} puts into the image, file by file, in sorted order. Symbolic links
 * below a directory source are followed inside their root (an image's root filesystem, or the build
 * context), so a link never pulls in a file of this machine outside that root.
 */
final class PlacementWalker {

  /** Receives one file or directory and its absolute path in the image. */
  interface Visitor {
    void visit(Path source, String target, boolean directory) throws IOException;
  }

  private PlacementWalker() {}

  /**
   * Visits {@code placement}: the file itself, or the directory's contents (not the directory
   * itself, as Docker copies a directory's contents).
   *
   * @param root the root the placement's source lies in
   * @param rooted true when {@code root} is an image filesystem, whose absolute links start at root
   */
  static void walk(Placement placement, Path root, boolean rooted, Visitor visitor)
      throws IOException {
    Path source = placement.source();
    if (!Files.isDirectory(source)) {
      visitor.visit(source, placement.target(), false);
      return;
    }
    List<Path> below;
    try (Stream<Path> walk = Files.walk(source)) {
      below = walk.filter(p -> !p.equals(source)).sorted().toList();
    }
    for (Path path : below) {
      String target = ImagePaths.child(placement.target(), source.relativize(path).toString());
      if (!Files.isSymbolicLink(path)) {
        visitor.visit(path, target, Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS));
        continue;
      }
      Path resolved = followLink(path, root, rooted);
      // NOTE: a link to a directory, or a dangling link, is left out: Jib layers hold no links.
      if (resolved != null && Files.isRegularFile(resolved, LinkOption.NOFOLLOW_LINKS)) {
        visitor.visit(resolved, target, false);
      }
    }
  }

  private static Path followLink(Path link, Path root, boolean rooted) throws IOException {
    if (rooted) {
      return RootedPaths.resolve(root, root.relativize(link).toString(), true);
    }
    if (!Files.exists(link)) {
      return null;
    }
    Path real = link.toRealPath();
    return real.startsWith(root.toRealPath()) ? real : null;
  }
}
