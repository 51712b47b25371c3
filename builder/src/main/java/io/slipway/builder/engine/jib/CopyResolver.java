package io.slipway.builder.engine.jib;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Heredoc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Turns a {@link CopySpec} into {@link Placement}s the way Docker's {@code COPY} and {@code ADD}
 * place files: a directory source contributes its contents, a file source lands at the destination
 * (or inside it when the destination is a directory), wildcards match within one path segment,
 * here-documents become files named after their delimiter, and {@code ADD} unpacks local tar
 * archives into the destination directory. Not thread-safe; one instance serves one build.
 */
final class CopyResolver {

  private final String file;
  private final Path scratch;
  private int scratchCount;

  /**
   * @param file the Dockerfile's name, for errors
   * @param scratch a directory of this build for here-documents and unpacked archives
   */
  CopyResolver(String file, Path scratch) {
    this.file = file;
    this.scratch = scratch;
  }

  /**
   * Resolves every source of {@code spec} against {@code sourceRoot} (the build context, or a
   * stage's or image's root filesystem when {@code rooted}), with relative destinations resolved
   * against {@code workingDirectory}. A destination that {@code existingDirectory} reports as a
   * directory of the image receives files inside it, as in Docker.
   *
   * @throws BuildInputException naming the line when a source matches nothing or leaves the root
   */
  List<Placement> resolve(
      CopySpec spec,
      Path sourceRoot,
      boolean rooted,
      String workingDirectory,
      Predicate<String> existingDirectory)
      throws IOException {
    String destination = ImagePaths.absolute(spec.destination(), workingDirectory);
    boolean intoDirectory = spec.destinationIsDirectory() || existingDirectory.test(destination);
    List<Placement> placements = new ArrayList<>();
    for (String source : spec.sources()) {
      var heredoc = spec.heredoc(source);
      if (heredoc.isPresent()) {
        placements.add(heredocPlacement(heredoc.get(), destination, intoDirectory));
        continue;
      }
      List<Path> matches = matches(spec, source, sourceRoot, rooted);
      // Several matches go into the destination as a directory, as BuildKit does.
      boolean asDirectory = intoDirectory || matches.size() > 1;
      for (Path match : matches) {
        place(spec, match, destination, asDirectory, placements);
      }
    }
    return placements;
  }

  private void place(
      CopySpec spec, Path match, String destination, boolean intoDirectory, List<Placement> out)
      throws IOException {
    if (Files.isDirectory(match)) {
      out.add(new Placement(match, destination));
      return;
    }
    if (spec.isAdd() && spec.from() == null && ArchiveExtractor.isArchive(match)) {
      Path unpacked = newScratch("archive");
      Map<Path, String> owners = ArchiveExtractor.extract(match, unpacked);
      out.add(new Placement(unpacked, destination, owners));
      return;
    }
    String name = match.getFileName().toString();
    out.add(
        new Placement(match, intoDirectory ? ImagePaths.child(destination, name) : destination));
  }

  private Placement heredocPlacement(Heredoc heredoc, String destination, boolean intoDirectory)
      throws IOException {
    // NOTE: the body is copied as written; variables in it are not expanded, even after an
    // unquoted delimiter, where BuildKit would expand them.
    Path content = newScratch("heredoc").resolve(heredoc.delimiter());
    Files.writeString(content, heredoc.content(), StandardCharsets.UTF_8);
    String target =
        intoDirectory ? ImagePaths.child(destination, heredoc.delimiter()) : destination;
    return new Placement(content, target);
  }

  /** Returns the paths {@code source} names under {@code root}, sorted, or fails naming it. */
  private List<Path> matches(CopySpec spec, String source, Path root, boolean rooted)
      throws IOException {
    String relative = ImagePaths.relative(source);
    if (!rooted && escapes(relative)) {
      throw error(spec, "source " + source + " is outside the build context; move it inside");
    }
    if (!hasWildcard(relative)) {
      Path path = rooted ? RootedPaths.resolve(root, relative, true) : root.resolve(relative);
      if (!RootedPaths.exists(path)) {
        throw notFound(spec, source);
      }
      requireInside(spec, source, root, path, rooted);
      return List.of(path);
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + relative);
    int depth = relative.split("/").length;
    List<Path> found;
    try (Stream<Path> walk = Files.walk(root, depth)) {
      found =
          walk.filter(p -> !p.equals(root))
              .filter(p -> matcher.matches(root.relativize(p)))
              .sorted()
              .toList();
    }
    if (found.isEmpty()) {
      throw notFound(spec, source);
    }
    List<Path> resolved = new ArrayList<>();
    for (Path path : found) {
      // A match in an image's filesystem may be a link with an absolute target: follow it there.
      Path inRoot =
          rooted ? RootedPaths.resolve(root, root.relativize(path).toString(), true) : path;
      requireInside(spec, source, root, inRoot, rooted);
      resolved.add(inRoot);
    }
    return resolved;
  }

  /** Rejects a context source that reaches outside the context through a symbolic link. */
  private void requireInside(CopySpec spec, String source, Path root, Path path, boolean rooted)
      throws IOException {
    if (rooted) {
      return;
    }
    Path real = path.toRealPath();
    if (!real.startsWith(root.toRealPath())) {
      throw error(
          spec,
          "source "
              + source
              + " leads outside the build context through a symbolic link; copy the file into the"
              + " context instead");
    }
  }

  private static boolean escapes(String relative) {
    return Path.of(relative.isEmpty() ? "." : relative).normalize().startsWith("..");
  }

  private static boolean hasWildcard(String path) {
    return path.contains("*") || path.contains("?") || path.contains("[");
  }

  private Path newScratch(String kind) throws IOException {
    Path directory = scratch.resolve(kind + "-" + (++scratchCount));
    Files.createDirectories(directory);
    return directory;
  }

  private BuildInputException notFound(CopySpec spec, String source) {
    String where = spec.from() == null ? "the build context" : "--from=" + spec.from();
    return error(spec, "source " + source + " was not found in " + where);
  }

  private BuildInputException error(CopySpec spec, String reason) {
    return new BuildInputException(
        file, spec.instruction().line(), spec.instruction().keyword() + " " + reason);
  }
}
