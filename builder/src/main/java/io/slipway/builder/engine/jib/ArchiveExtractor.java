package io.slipway.builder.engine.jib;

import io.slipway.builder.context.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Unpacks tar archives, plain or compressed (gzip, bzip2, xz when its library is present), into a
 * directory: image layers with their whiteouts ({@code .wh.NAME} deletes {@code NAME}, {@code
 * .wh..wh..opq} empties its directory), and archives that {@code ADD} unpacks. Keeps file modes and
 * symbolic links on disk, and reports each entry's ownership, which the caller may apply. Entries
 * never land outside the directory, whatever their names or the links before them.
 */
final class ArchiveExtractor {

  /** The name prefix of a whiteout entry, which deletes the lower file it names. */
  static final String WHITEOUT = ".wh.";

  /** The name of the entry that hides everything lower layers put in its directory. */
  static final String OPAQUE = ".wh..wh..opq";

  private ArchiveExtractor() {}

  /**
   * Returns true when {@code file} starts like a tar archive, compressed or not: what Docker's
   * {@code ADD} checks to decide whether to unpack a local file.
   */
  static boolean isArchive(Path file) throws IOException {
    try (InputStream in = decompressed(new BufferedInputStream(Files.newInputStream(file)))) {
      byte[] header = in.readNBytes(512);
      return header.length == 512 && TarArchiveInputStream.matches(header, header.length);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Unpacks the archive {@code file} into {@code root}.
   *
   * @return the {@code uid:gid} each unpacked file and directory had in the archive
   */
  static Map<Path, String> extract(Path file, Path root) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return extract(in, root);
    }
  }

  /**
   * Unpacks the archive read from {@code in} (closed by the caller) into {@code root}.
   *
   * @return the {@code uid:gid} each unpacked file and directory had in the archive
   */
  static Map<Path, String> extract(InputStream in, Path root) throws IOException {
    Map<Path, String> owners = new HashMap<>();
    Files.createDirectories(root);
    TarArchiveInputStream tar =
        new TarArchiveInputStream(decompressed(new BufferedInputStream(in)));
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      String name = normalize(entry.getName());
      if (name.isEmpty()) {
        continue;
      }
      Path written = write(tar, entry, name, root);
      if (written != null) {
        owners.put(written, entry.getLongUserId() + ":" + entry.getLongGroupId());
      }
    }
    return owners;
  }

  /**
   * Writes one entry and returns the file or directory it created, or null for whiteouts and
   * symbolic links.
   */
  private static Path write(
      TarArchiveInputStream tar, TarArchiveEntry entry, String name, Path root) throws IOException {
    int slash = name.lastIndexOf('/');
    String parentName = slash < 0 ? "" : name.substring(0, slash);
    String baseName = name.substring(slash + 1);
    Path parent = RootedPaths.resolve(root, parentName, true);
    if (baseName.equals(OPAQUE)) {
      clear(parent);
      return null;
    }
    if (baseName.startsWith(WHITEOUT)) {
      FileTrees.delete(parent.resolve(baseName.substring(WHITEOUT.length())));
      return null;
    }
    Files.createDirectories(parent);
    Path target = parent.resolve(baseName);
    if (entry.isDirectory()) {
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        FileTrees.delete(target);
        Files.createDirectories(target);
      }
      setMode(target, entry.getMode());
      return target;
    }
    FileTrees.delete(target);
    if (entry.isSymbolicLink()) {
      Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
    } else if (entry.isLink()) {
      Path linked = RootedPaths.resolve(root, normalize(entry.getLinkName()), false);
      if (Files.isRegularFile(linked, LinkOption.NOFOLLOW_LINKS)) {
        Files.copy(linked, target, StandardCopyOption.COPY_ATTRIBUTES);
        return target;
      }
      return null;
    } else if (entry.isFile()) {
      Files.copy(tar, target);
      setMode(target, entry.getMode());
      return target;
    }
    return null;
  }

  /**
   * Strips {@code ./} and leading slashes; returns "" for the root and for names with {@code ..}.
   */
  private static String normalize(String name) {
    String trimmed = name;
    while (trimmed.startsWith("./") || trimmed.startsWith("/")) {
      trimmed = trimmed.startsWith("./") ? trimmed.substring(2) : trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    for (String part : trimmed.split("/")) {
      if (part.equals("..")) {
        return "";
      }
    }
    return trimmed.equals(".") ? "" : trimmed;
  }

  /** Returns {@code in} decompressed when it starts like gzip, bzip2 or xz, else {@code in}. */
  static InputStream decompressed(BufferedInputStream in) throws IOException {
    try {
      String type = CompressorStreamFactory.detect(in);
      return new CompressorStreamFactory().createCompressorInputStream(type, in);
    } catch (CompressorException notCompressed) {
      return in;
    }
  }

  private static void setMode(Path path, int mode) throws IOException {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values();
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        permissions.add(bits[i]);
      }
    }
    // Keep the owner able to enter and write, so later layers and the clean-up can change it.
    permissions.add(PosixFilePermission.OWNER_READ);
    permissions.add(PosixFilePermission.OWNER_WRITE);
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      permissions.add(PosixFilePermission.OWNER_EXECUTE);
    }
    Files.setPosixFilePermissions(path, permissions);
  }

  private static void clear(Path directory) throws IOException {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var children = Files.list(directory)) {
      for (Path child : children.toList()) {
        FileTrees.delete(child);
      }
    }
  }
}
