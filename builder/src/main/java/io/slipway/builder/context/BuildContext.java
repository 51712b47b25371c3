package io.slipway.builder.context;

import io.slipway.builder.BuildInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The files a build may see: the entries of a context directory that its {@code .dockerignore}
 * keeps, sorted by path, with a content hash for cache keys. Symbolic links are listed as links and
 * never followed. Immutable once scanned; safe to share between threads. The directory itself is
 * read again by {@link #hash} and {@link PreparedContext#write}, so it must not change meanwhile.
 */
public final class BuildContext {

  private final Path root;
  private final String name;
  private final DockerIgnore ignore;
  private final List<ContextEntry> entries;
  private final TreeMap<String, ContextEntry> byPath = new TreeMap<>();
  private String hash;

  private BuildContext(Path root, String name, DockerIgnore ignore, List<ContextEntry> entries) {
    this.root = root;
    this.name = name;
    this.ignore = ignore;
    this.entries = List.copyOf(entries);
    entries.forEach(e -> byPath.put(e.path(), e));
  }

  /**
   * Lists the context at {@code root}, applying its {@code .dockerignore} when present.
   *
   * @param root the context directory
   * @param name the context's path relative to the project root, such as {@code web} or {@code .},
   *     for messages
   * @throws BuildInputException when the context is not a directory or {@code .dockerignore} is
   *     malformed
   * @throws UncheckedIOException when the tree cannot be read
   */
  public static BuildContext scan(Path root, String name) {
    Path absolute = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new BuildInputException(
          name, 0, "the build context " + name + " is not a directory; point build.context at one");
    }
    DockerIgnore ignore = readIgnore(absolute, name);
    try {
      return new BuildContext(absolute, name, ignore, walk(absolute, ignore));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list build context " + absolute, e);
    }
  }

  private static DockerIgnore readIgnore(Path root, String name) {
    Path file = root.resolve(DockerIgnore.FILE);
    if (!Files.isRegularFile(file)) {
      return DockerIgnore.NONE;
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return DockerIgnore.parse(text, prefixed(name, DockerIgnore.FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static List<ContextEntry> walk(Path root, DockerIgnore ignore) throws IOException {
    List<ContextEntry> entries = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            if (dir.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            String path = relative(root, dir);
            if (ignore.excludes(path)) {
              return ignore.hasExceptions()
                  ? FileVisitResult.CONTINUE
                  : FileVisitResult.SKIP_SUBTREE;
            }
            entries.add(new ContextEntry(path, ContextEntry.Type.DIRECTORY, mode(dir), 0, null));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            String path = relative(root, file);
            if (ignore.excludes(path)) {
              return FileVisitResult.CONTINUE;
            }
            if (attributes.isSymbolicLink()) {
              String target = Files.readSymbolicLink(file).toString();
              entries.add(new ContextEntry(path, ContextEntry.Type.SYMLINK, 0777, 0, target));
            } else if (attributes.isRegularFile()) {
              entries.add(
                  new ContextEntry(
                      path, ContextEntry.Type.FILE, mode(file), attributes.size(), null));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    entries.sort(Comparator.comparing(ContextEntry::path));
    return entries;
  }

  private static int mode(Path path) throws IOException {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException notPosix) {
      return Files.isDirectory(path) ? 0755 : 0644;
    }
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      mode |= 1 << (8 - permission.ordinal());
    }
    return mode;
  }

  private static String relative(Path root, Path path) {
    return root.relativize(path).toString().replace('\\', '/');
  }

  private static String prefixed(String context, String path) {
    return context.equals(".") ? path : context + "/" + path;
  }

  /** Returns the context directory, absolute. */
  public Path root() {
    return root;
  }

  /** Returns the context's path relative to the project root, for messages. */
  public String name() {
    return name;
  }

  /** Returns the rules read from {@code .dockerignore}, or {@link DockerIgnore#NONE}. */
  public DockerIgnore ignore() {
    return ignore;
  }

  /** Returns the kept entries, sorted by path. */
  public List<ContextEntry> entries() {
    return entries;
  }

  /** Returns the kept entry at {@code path}, if any. */
  public Optional<ContextEntry> entry(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  /** Returns true when the context keeps {@code path} or some entry below it. */
  public boolean containsOrHasBelow(String path) {
    if (byPath.containsKey(path)) {
      return true;
    }
    String prefix = path + "/";
    String next = byPath.ceilingKey(prefix);
    return next != null && next.startsWith(prefix);
  }

  /**
   * Returns {@code sha256:} and the hex SHA-256 over every kept entry in path order: its path,
   * type, mode, link target and, for files, content. Computed once, then cached.
   *
   * @throws UncheckedIOException when a file cannot be read
   */
  public synchronized String hash() {
    if (hash == null) {
      hash = computeHash();
    }
    return hash;
  }

  private String computeHash() {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[64 * 1024];
    for (ContextEntry entry : entries) {
      String header =
          entry.path()
              + '\0'
              + entry.type()
              + '\0'
              + Integer.toOctalString(entry.mode())
              + '\0'
              + Objects.toString(entry.linkTarget(), "")
              + '\0'
              + entry.size()
              + '\0';
      digest.update(header.getBytes(StandardCharsets.UTF_8));
      if (entry.type() == ContextEntry.Type.FILE) {
        try (InputStream in = Files.newInputStream(root.resolve(entry.path()))) {
          int read;
          while ((read = in.read(buffer)) > 0) {
            digest.update(buffer, 0, read);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read " + entry.path() + " of context " + name, e);
        }
      }
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no SHA-256", e);
    }
  }
}
