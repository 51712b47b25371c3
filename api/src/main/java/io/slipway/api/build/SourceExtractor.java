package io.slipway.api.build;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Extracts an uploaded build source, a tar or gzip-compressed tar archive, into an empty directory
 * so that nothing lands outside it. Stateless and safe for concurrent use.
 *
 * <p>Rejected, naming the entry: absolute paths, {@code ..} components, entries written through a
 * symbolic link, symbolic links whose target is absolute or resolves outside the tree, hard links
 * to anything but a file extracted before, device files and FIFOs. Hard links become copies. Only
 * the owner's execute bit of a file's mode is kept; owners, groups and times are not.
 *
 * <p>Faults caused by the archive's content are reported as malformed, naming the entry: a gzip
 * stream that is cut short or corrupt, a name component longer than {@value #MAX_NAME_BYTES} bytes,
 * a path too long for the file system, and an entry the file system refuses (a file below a file, a
 * directory replacing a file).
 */
final class SourceExtractor {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /** Longest file name, in UTF-8 bytes, that Linux file systems accept (NAME_MAX). */
  static final int MAX_NAME_BYTES = 255;

  /** Longest absolute path, in UTF-8 bytes, that Linux system calls accept (PATH_MAX less NUL). */
  static final int MAX_PATH_BYTES = 4095;

  /** Longest part of an entry name quoted in a message, so a huge name does not flood the log. */
  private static final int QUOTED_NAME_CHARS = 120;

  private final long maxExtractedBytes;
  private final int maxEntries;

  /**
   * @param maxExtractedBytes maximum number of bytes of file data in the tree, against archive
   *     bombs
   * @param maxEntries maximum number of entries in the archive
   */
  SourceExtractor(long maxExtractedBytes, int maxEntries) {
    this.maxExtractedBytes = maxExtractedBytes;
    this.maxEntries = maxEntries;
  }

  /**
   * Extracts {@code archive} into {@code target}, which must exist and be empty. A gzip stream is
   * recognised by its magic bytes.
   *
   * @return the number of entries extracted
   * @throws SourceArchiveException naming the entry at fault; the tree may then be partly written
   */
  int extract(Path archive, Path target) throws IOException {
    Path root = target.toRealPath();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 65536)) {
      InputStream in = isGzip(raw) ? new Decompressed(new GZIPInputStream(raw, 65536)) : raw;
      int count = extract(new TarReader(in), root);
      if (count == 0) {
        throw new SourceArchiveException(
            "The build source contains no files: send a tar archive of the project directory");
      }
      checkSymlinks(root);
      return count;
    } catch (java.util.zip.ZipException e) {
      throw new SourceArchiveException(
          "The build source is not a valid gzip stream (" + e.getMessage() + ")");
    }
  }

  private int extract(TarReader tar, Path root) throws IOException {
    byte[] buffer = new byte[65536];
    long written = 0;
    int count = 0;
    String previous = null;
    try {
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        if (++count > maxEntries) {
          throw new SourceArchiveException(
              "The build source has more than "
                  + maxEntries
                  + " entries; leave out what the build"
                  + " does not need",
              true);
        }
        previous = entry.name();
        written = extractEntry(tar, entry, root, buffer, written);
      }
    } catch (CorruptStream e) {
      throw new SourceArchiveException(
          "The gzip stream of the build source is cut short or corrupt "
              + (previous == null ? "before the first entry" : "at entry '" + quote(previous) + "'")
              + " ("
              + e.getCause().getMessage()
              + "); send the whole archive again");
    }
    return count;
  }

  /** Extracts one entry; returns the number of file bytes written so far. */
  private long extractEntry(
      TarReader tar, TarReader.Entry entry, Path root, byte[] buffer, long written)
      throws IOException {
    try {
      Path path = resolve(root, entry.name());
      if (path.equals(root)) {
        return written;
      }
      requireRealParents(root, path, entry.name());
      switch (entry.type()) {
        case DIRECTORY -> Files.createDirectories(path);
        case FILE -> {
          return writeFile(tar, entry, path, buffer, written);
        }
        case SYMLINK -> symlink(root, path, entry);
        case HARD_LINK -> hardLink(root, path, entry);
        default ->
            throw new SourceArchiveException(
                "Tar entry '"
                    + entry.name()
                    + "' is a "
                    + describe(entry.type())
                    + ", which a build source may not hold; remove it from the archive",
                true);
      }
      return written;
    } catch (AccessDeniedException e) {
      // The tree is the server's own directory; a refused write is the server's fault.
      throw e;
    } catch (InvalidPathException e) {
      // Only when the server runs without a UTF-8 locale, which cannot encode every name.
      throw new SourceArchiveException(
          "Tar entry '"
              + quote(entry.name())
              + "' has a name that this server's file system encoding cannot store; rename it"
              + " with ASCII characters, or run the server with a UTF-8 locale");
    } catch (FileSystemException e) {
      // Reported with the reason only: the file's absolute path is the server's business.
      throw new SourceArchiveException(
          "Tar entry '"
              + quote(entry.name())
              + "' cannot be written ("
              + e.getReason()
              + "); change that entry in the archive");
    }
  }

  private long writeFile(
      TarReader tar, TarReader.Entry entry, Path path, byte[] buffer, long written)
      throws IOException {
    Files.createDirectories(path.getParent());
    if (Files.exists(path, NOFOLLOW) && !Files.isRegularFile(path, NOFOLLOW)) {
      throw new SourceArchiveException(
          "Tar entry '" + entry.name() + "' replaces a directory or link of the same name", true);
    }
    long total = written;
    try (OutputStream out = Files.newOutputStream(path)) {
      for (int n = tar.read(buffer, 0, buffer.length);
          n >= 0;
          n = tar.read(buffer, 0, buffer.length)) {
        total += n;
        if (total > maxExtractedBytes) {
          throw new SourceArchiveException(
              "The build source unpacks to more than "
                  + maxExtractedBytes
                  + " bytes (at entry '"
                  + entry.name()
                  + "'); raise slipway.builder.max-extracted-size or send less",
              true);
        }
        out.write(buffer, 0, n);
      }
    }
    setExecutable(path, (entry.mode() & 0100) != 0);
    // The newest file time becomes the release's creation time, so it must survive extraction.
    Files.setLastModifiedTime(path, FileTime.from(entry.modified(), TimeUnit.SECONDS));
    return total;
  }

  private static void symlink(Path root, Path path, TarReader.Entry entry) throws IOException {
    String target = entry.linkName();
    if (target.isEmpty() || isAbsolute(target)) {
      throw new SourceArchiveException(
          "Tar entry '"
              + entry.name()
              + "' is a symbolic link to the absolute path '"
              + target
              + "'; make it relative to a file inside the project",
          true);
    }
    Path resolved = path.getParent().resolve(target).normalize();
    if (!resolved.startsWith(root)) {
      throw new SourceArchiveException(
          "Tar entry '"
              + entry.name()
              + "' is a symbolic link to '"
              + target
              + "', outside the project; point it at a file inside the project",
          true);
    }
    Files.createDirectories(path.getParent());
    Files.deleteIfExists(path);
    Files.createSymbolicLink(path, Path.of(target));
  }

  private static void hardLink(Path root, Path path, TarReader.Entry entry) throws IOException {
    Path source = resolve(root, entry.linkName());
    requireRealParents(root, source, entry.linkName());
    if (!Files.isRegularFile(source, NOFOLLOW)) {
      throw new SourceArchiveException(
          "Tar entry '"
              + entry.name()
              + "' is a hard link to '"
              + entry.linkName()
              + "', which is not a file extracted before it; store the file itself instead",
          true);
    }
    Files.createDirectories(path.getParent());
    Files.copy(source, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Resolves an entry name below {@code root}; rejects absolute names and {@code ..}. */
  private static Path resolve(Path root, String name) throws SourceArchiveException {
    if (name.isEmpty() || name.indexOf('\0') >= 0 || isAbsolute(name)) {
      throw new SourceArchiveException(
          "Tar entry '"
              + name
              + "' has an absolute or empty path; archive the project with relative paths, such"
              + " as 'tar -C project -cf - .'",
          true);
    }
    String relative = name;
    while (relative.startsWith("./")) {
      relative = relative.substring(2);
    }
    List<String> parts = new ArrayList<>();
    for (String part : relative.split("/")) {
      if (part.equals("..")) {
        throw new SourceArchiveException(
            "Tar entry '" + name + "' has a '..' component, which would leave the project", true);
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    Path path = root;
    for (String part : parts) {
      requireNameFits(name, part);
      path = path.resolve(part);
    }
    requirePathFits(root, name, path);
    return path;
  }

  private static void requireNameFits(String name, String part) throws SourceArchiveException {
    int bytes = part.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_NAME_BYTES) {
      throw new SourceArchiveException(
          "Tar entry '"
              + quote(name)
              + "' has a name component of "
              + bytes
              + " bytes; the limit is "
              + MAX_NAME_BYTES
              + " bytes per file or directory name, so shorten it");
    }
  }

  private static void requirePathFits(Path root, String name, Path path)
      throws SourceArchiveException {
    int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PATH_BYTES) {
      int rootBytes = root.toString().getBytes(StandardCharsets.UTF_8).length;
      throw new SourceArchiveException(
          "Tar entry '"
              + quote(name)
              + "' has a path of "
              + (bytes - rootBytes - 1)
              + " bytes; the limit on this server is "
              + (MAX_PATH_BYTES - rootBytes - 1)
              + " bytes per path, so shorten it");
    }
  }

  /** Shortens a long entry name for a message. */
  private static String quote(String name) {
    return name.length() <= QUOTED_NAME_CHARS
        ? name
        : name.substring(0, QUOTED_NAME_CHARS) + "... (" + name.length() + " characters)";
  }

  /** Rejects an entry whose parent directories pass through a symbolic link. */
  private static void requireRealParents(Path root, Path path, String name)
      throws SourceArchiveException {
    for (Path parent = path.getParent();
        parent != null && !parent.equals(root);
        parent = parent.getParent()) {
      if (Files.isSymbolicLink(parent)) {
        throw new SourceArchiveException(
            "Tar entry '"
                + name
                + "' lies below the symbolic link '"
                + root.relativize(parent)
                + "'; store the entry under its real directory",
            true);
      }
    }
  }

  /**
   * Checks every extracted symbolic link once the tree is complete: one whose target exists must
   * resolve, through any chain of links, to a path inside the tree.
   */
  private static void checkSymlinks(Path root) throws IOException {
    List<Path> links;
    try (var walk = Files.walk(root)) {
      links = walk.filter(Files::isSymbolicLink).toList();
    }
    for (Path link : links) {
      if (!Files.exists(link)) {
        continue;
      }
      Path real = link.toRealPath();
      if (!real.startsWith(root)) {
        throw new SourceArchiveException(
            "Symbolic link '"
                + root.relativize(link)
                + "' resolves through other links to a path outside the project; point it at a"
                + " file inside the project",
            true);
      }
    }
  }

  private static void setExecutable(Path path, boolean executable) throws IOException {
    if (!executable) {
      return;
    }
    try {
      Set<PosixFilePermission> permissions =
          EnumSet.copyOf(Files.getPosixFilePermissions(path, NOFOLLOW));
      permissions.add(PosixFilePermission.OWNER_EXECUTE);
      permissions.add(PosixFilePermission.GROUP_EXECUTE);
      permissions.add(PosixFilePermission.OTHERS_EXECUTE);
      Files.setPosixFilePermissions(path, permissions);
    } catch (UnsupportedOperationException e) {
      path.toFile().setExecutable(true, false);
    }
  }

  private static boolean isAbsolute(String name) {
    return name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:[/\\\\].*");
  }

  private static boolean isGzip(InputStream in) throws IOException {
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    return first == 0x1f && second == 0x8b;
  }

  private static String describe(TarReader.Type type) {
    return switch (type) {
      case CHARACTER_DEVICE -> "character device";
      case BLOCK_DEVICE -> "block device";
      case FIFO -> "named pipe";
      default -> "special entry";
    };
  }

  /** A failure of the decompressor, caused by the archive's bytes. */
  private static final class CorruptStream extends IOException {
    CorruptStream(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Marks every read failure of the gzip decompressor, such as an early end or a bad block, so that
   * it is told apart from a failure writing the tree.
   */
  private static final class Decompressed extends FilterInputStream {
    Decompressed(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw new CorruptStream(e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return super.read(buffer, offset, length);
      } catch (IOException e) {
        throw new CorruptStream(e);
      }
    }

    @Override
    public long skip(long count) throws IOException {
      try {
        return super.skip(count);
      } catch (IOException e) {
        throw new CorruptStream(e);
      }
    }
  }
}
