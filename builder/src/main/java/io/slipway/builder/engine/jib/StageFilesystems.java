package io.slipway.builder.engine.jib;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.context.FileTrees;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.Stage;
import io.slipway.builder.dockerfile.VariableScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The root filesystems that {@code COPY --from} reads, made on disk on first use: for a stage, its
 * base image's layers unpacked (or a copy of its parent stage's filesystem, or nothing for {@code
 * scratch}) with the stage's own {@code COPY} and {@code ADD} results written over them; for an
 * image reference, its unpacked layers. This is exact for the stages this engine can build, since
 * without {@code RUN} a stage's filesystem is its base plus what it copies. Not thread-safe; one
 * instance serves one build.
 */
final class StageFilesystems {

  private final Dockerfile dockerfile;
  private final VariableScope scope;
  private final BaseImages images;
  private final CopyResolver resolver;
  private final Path context;
  private final Path work;
  private final Map<String, Root> roots = new HashMap<>();

  /** A filesystem on disk and the working directory its stage ends with. */
  record Root(Path directory, String workingDirectory) {}

  StageFilesystems(
      Dockerfile dockerfile,
      VariableScope scope,
      BaseImages images,
      CopyResolver resolver,
      Path context,
      Path work) {
    this.dockerfile = dockerfile;
    this.scope = scope;
    this.images = images;
    this.resolver = resolver;
    this.context = context;
    this.work = work;
  }

  /**
   * Returns the filesystem {@code --from=label} names, as seen from {@code stage}: an earlier
   * stage's name or index, else an image reference.
   *
   * @throws BuildInputException naming the line when it is neither
   */
  Path root(String label, Stage stage, Instruction instruction) throws IOException {
    Optional<Stage> source = dockerfile.stage(label).filter(s -> s.index() < stage.index());
    if (source.isPresent()) {
      return stageRoot(source.get()).directory();
    }
    if (!label.contains("/")) {
      throw new BuildInputException(
          dockerfile.fileName(),
          instruction.line(),
          instruction.keyword()
              + " --from="
              + label
              + " names no earlier stage; name a stage defined above, or an image in the registry");
    }
    return imageRoot(label, instruction.line());
  }

  private Root stageRoot(Stage stage) throws IOException {
    String key = "stage-" + stage.index();
    Root known = roots.get(key);
    if (known != null) {
      return known;
    }
    Path directory = work.resolve(key);
    String workingDirectory = base(stage, directory);
    for (Instruction instruction : stage.instructions()) {
      if (instruction.is("WORKDIR")) {
        workingDirectory =
            ImagePaths.absolute(
                scope.expand(instruction, instruction.arguments()), workingDirectory);
      } else if (instruction.is("COPY") || instruction.is("ADD")) {
        apply(stage, instruction, directory, workingDirectory);
      }
    }
    Root root = new Root(directory, workingDirectory);
    roots.put(key, root);
    return root;
  }

  /** Fills {@code directory} with the stage's base and returns the base's working directory. */
  private String base(Stage stage, Path directory) throws IOException {
    String base = scope.baseImage(stage);
    if (base.equalsIgnoreCase("scratch")) {
      Files.createDirectories(directory);
      return "/";
    }
    Optional<Stage> parent = dockerfile.stage(base).filter(s -> s.index() < stage.index());
    if (parent.isPresent()) {
      Root parentRoot = stageRoot(parent.get());
      copyTree(parentRoot.directory(), directory);
      return parentRoot.workingDirectory();
    }
    BaseImages.BaseImage image = images.image(base, stage.line());
    Files.createDirectories(directory);
    images.extract(image, directory);
    return image.workingDirectory();
  }

  private Path imageRoot(String reference, int line) throws IOException {
    String key = "image-" + reference;
    Root known = roots.get(key);
    if (known != null) {
      return known.directory();
    }
    Path directory = work.resolve("image-" + roots.size());
    BaseImages.BaseImage image = images.image(reference, line);
    Files.createDirectories(directory);
    images.extract(image, directory);
    roots.put(key, new Root(directory, image.workingDirectory()));
    return directory;
  }

  private void apply(Stage stage, Instruction instruction, Path directory, String workingDirectory)
      throws IOException {
    CopySpec spec = CopySpec.of(instruction, scope, dockerfile.fileName(), dockerfile.escape());
    boolean rooted = spec.from() != null;
    Path sourceRoot = rooted ? root(spec.from(), stage, instruction) : context;
    List<Placement> placements =
        resolver.resolve(
            spec, sourceRoot, rooted, workingDirectory, path -> isDirectoryIn(directory, path));
    for (Placement placement : placements) {
      PlacementWalker.walk(
          placement,
          sourceRoot,
          rooted,
          (source, target, isDirectory) -> write(directory, source, target, isDirectory, spec));
    }
  }

  private static boolean isDirectoryIn(Path root, String imagePath) {
    try {
      return Files.isDirectory(RootedPaths.resolve(root, imagePath, true));
    } catch (IOException e) {
      return false;
    }
  }

  private static void write(
      Path root, Path source, String target, boolean isDirectory, CopySpec spec)
      throws IOException {
    String relative = ImagePaths.relative(target);
    int slash = relative.lastIndexOf('/');
    Path parent = RootedPaths.resolve(root, slash < 0 ? "" : relative.substring(0, slash), true);
    Files.createDirectories(parent);
    Path path = parent.resolve(relative.substring(slash + 1));
    if (isDirectory) {
      if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        FileTrees.delete(path);
        Files.createDirectories(path);
      }
      return;
    }
    FileTrees.delete(path);
    Files.copy(source, path, StandardCopyOption.COPY_ATTRIBUTES);
    if (spec.mode() >= 0) {
      Files.setPosixFilePermissions(
          path, PosixFilePermissions.fromString(symbolic(spec.mode() | 0600)));
    }
  }

  private static String symbolic(int mode) {
    String letters = "rwxrwxrwx";
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      text.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
    }
    return text.toString();
  }

  /** Copies a filesystem, keeping symbolic links as links. */
  private static void copyTree(Path from, Path to) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(from)) {
      paths = walk.sorted().toList();
    }
    for (Path path : paths) {
      Path target = to.resolve(from.relativize(path).toString());
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(target);
      } else {
        Files.copy(path, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
