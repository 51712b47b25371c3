package io.slipway.builder.context;

import io.slipway.builder.BuildInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A build context ready for an engine: the kept entries of a {@link BuildContext} plus the resolved
 * Dockerfile, which is written as {@link #DOCKERFILE}. The project may not keep anything under
 * {@code .slipway/} in its context, so the name cannot clash with a project file. Immutable; {@link
 * #write} may be called from several threads for different targets.
 */
public final class PreparedContext {

  /** The reserved directory of a written context. */
  public static final String RESERVED = ".slipway";

  /** The path of the resolved Dockerfile in a written context, relative to its root. */
  public static final String DOCKERFILE = RESERVED + "/Dockerfile";

  private final BuildContext context;
  private final String dockerfileText;

  /**
   * @throws BuildInputException when the context keeps an entry under {@code .slipway/}
   */
  public PreparedContext(BuildContext context, String dockerfileText) {
    this.context = Objects.requireNonNull(context, "context");
    this.dockerfileText = Objects.requireNonNull(dockerfileText, "dockerfileText");
    rejectReserved(context);
  }

  /**
   * Scans the context at {@code source} (applying its {@code .dockerignore}) and pairs it with the
   * resolved Dockerfile.
   *
   * @throws BuildInputException when {@code .dockerignore} is malformed or the context keeps an
   *     entry under {@code .slipway/}
   */
  public static PreparedContext of(Path source, String dockerfileText) {
    return new PreparedContext(
        BuildContext.scan(source, source.getFileName().toString()), dockerfileText);
  }

  /**
   * Fails when the context keeps {@code .slipway} or anything below it, which would clash with the
   * written Dockerfile.
   *
   * @throws BuildInputException naming the context and what to do
   */
  public static void rejectReserved(BuildContext context) {
    if (context.containsOrHasBelow(RESERVED)) {
      throw new BuildInputException(
          context.name().equals(".") ? RESERVED : context.name() + "/" + RESERVED,
          0,
          "the build context contains "
              + RESERVED
              + ", which Slipway reserves for the resolved Dockerfile; rename it or add "
              + RESERVED
              + " to .dockerignore");
    }
  }

  /** Returns the context whose entries are written. */
  public BuildContext context() {
    return context;
  }

  /** Returns the resolved Dockerfile text. */
  public String dockerfileText() {
    return dockerfileText;
  }

  /**
   * Writes the context into {@code target}, which must not exist: every kept entry with its mode
   * (links as links, with their targets unchanged) and the Dockerfile at {@link #DOCKERFILE}. The
   * copy is assembled in a sibling directory and renamed into place, so {@code target} either
   * appears complete or not at all.
   *
   * @throws FileAlreadyExistsException when {@code target} exists
   * @throws IOException when reading the context or writing fails; the partial copy is removed
   */
  public void write(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(absolute.toString());
    }
    Files.createDirectories(absolute.getParent());
    Path temporary =
        absolute.resolveSibling("." + absolute.getFileName() + ".partial-" + UUID.randomUUID());
    try {
      Files.createDirectory(temporary);
      copyEntries(temporary);
      Path dockerfile = temporary.resolve(DOCKERFILE);
      Files.createDirectories(dockerfile.getParent());
      Files.writeString(dockerfile, dockerfileText, StandardCharsets.UTF_8);
      Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      FileTrees.delete(temporary);
      throw e;
    }
  }

  private void copyEntries(Path into) throws IOException {
    for (ContextEntry entry : context.entries()) {
      Path source = context.root().resolve(entry.path());
      Path destination = into.resolve(entry.path());
      Files.createDirectories(destination.getParent());
      switch (entry.type()) {
        case DIRECTORY -> Files.createDirectories(destination);
        case FILE -> {
          Files.copy(
              source, destination, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          setMode(destination, entry.mode());
        }
        case SYMLINK -> Files.createSymbolicLink(destination, Path.of(entry.linkTarget()));
      }
    }
    // Directory modes last and deepest first, so that a read-only directory is filled before.
    for (int i = context.entries().size() - 1; i >= 0; i--) {
      ContextEntry entry = context.entries().get(i);
      if (entry.type() == ContextEntry.Type.DIRECTORY) {
        setMode(into.resolve(entry.path()), entry.mode());
      }
    }
  }

  private static void setMode(Path path, int mode) throws IOException {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values();
    for (int i = 0; i < all.length; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        permissions.add(all[i]);
      }
    }
    try {
      Files.setPosixFilePermissions(path, permissions);
    } catch (UnsupportedOperationException notPosix) {
      // NOTE: on a file system without POSIX permissions the copy keeps the default modes.
    }
  }
}
