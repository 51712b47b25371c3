package io.slipway.builder.engine.docker;

import io.slipway.builder.BuildInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a prepared build context directory as the tar stream a Docker engine takes as build
 * context. The same directory content always gives the same bytes: entries are sorted by path,
 * every entry has the same modification time ({@link #ENTRY_TIME}), owner 0:0 and no owner names,
 * and only the permission bits of the files are kept. The classic builder compares COPY and ADD
 * sources by content and these headers, so an unchanged context hits its layer cache from one
 * release to the next.
 *
 * <p>Directories, regular files and symbolic links (as links, not followed) are archived; any other
 * kind of file is an input error. Stateless and thread-safe.
 */
final class ContextArchive {

  /**
   * The modification time of every entry: one second after the epoch, as Jib writes layer files, so
   * that no tool mistakes it for an unset time.
   */
  static final Instant ENTRY_TIME = Instant.ofEpochSecond(1);

  private ContextArchive() {}

  /**
   * Writes {@code context} as a tar stream to {@code out}, which stays open.
   *
   * @throws BuildInputException naming the file when the context contains something other than a
   *     directory, a regular file or a symbolic link
   * @throws IOException when a file cannot be read or {@code out} written
   */
  static void write(Path context, OutputStream out) throws IOException {
    List<Path> entries = list(context);
    TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosing(out));
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    for (Path file : entries) {
      writeEntry(tar, file, name(context, file));
    }
    tar.finish();
    tar.close();
  }

  private static List<Path> list(Path context) throws IOException {
    try (Stream<Path> walk = Files.walk(context)) {
      List<Path> entries = new ArrayList<>(walk.filter(path -> !path.equals(context)).toList());
      entries.sort(Comparator.comparing(path -> name(context, path)));
      return entries;
    }
  }

  private static void writeEntry(TarArchiveOutputStream tar, Path file, String name)
      throws IOException {
    if (Files.isSymbolicLink(file)) {
      TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      entry.setLinkName(Files.readSymbolicLink(file).toString().replace('\\', '/'));
      entry.setMode(0120777);
      putHeader(tar, entry);
      tar.closeArchiveEntry();
      return;
    }

    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      TarArchiveEntry entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
      entry.setMode((TarArchiveEntry.DEFAULT_DIR_MODE & ~07777) | permissions(file, 0755));
      putHeader(tar, entry);
      tar.closeArchiveEntry();
      return;
    }

    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new BuildInputException(
          name,
          0,
          "is neither a regular file, a directory nor a symbolic link; remove it from the build"
              + " context or list it in .dockerignore");
    }
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
    entry.setMode((TarArchiveEntry.DEFAULT_FILE_MODE & ~07777) | permissions(file, 0644));
    entry.setSize(Files.size(file));
    putHeader(tar, entry);
    Files.copy(file, tar);
    tar.closeArchiveEntry();
  }

  private static void putHeader(TarArchiveOutputStream tar, TarArchiveEntry entry)
      throws IOException {
    entry.setModTime(ENTRY_TIME.toEpochMilli());
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setUserName("");
    entry.setGroupName("");
    tar.putArchiveEntry(entry);
  }

  /** Returns the file's permission bits, or {@code fallback} where the file system has none. */
  private static int permissions(Path file, int fallback) throws IOException {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return fallback;
    }
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      mode |= 1 << (8 - permission.ordinal());
    }
    return mode;
  }

  private static String name(Path context, Path file) {
    return context.relativize(file).toString().replace('\\', '/');
  }

  /** Keeps the caller's stream open when the tar writer closes. */
  private static final class NonClosing extends java.io.FilterOutputStream {

    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
