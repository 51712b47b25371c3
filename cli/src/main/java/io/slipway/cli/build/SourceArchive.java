package io.slipway.cli.build;

import io.slipway.builder.context.DockerIgnore;
import io.slipway.builder.project.Project;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Packs a project directory into a gzip-compressed tar stream for upload, leaving out every {@code
 * .git} directory or file (history is not source, and git never tracks a {@code .git} entry) and
 * what the root {@code .dockerignore} excludes, except the files the server needs to read the
 * project: compose files, every {@code Dockerfile*} and every {@code .dockerignore}. Entries are
 * sorted, with their permission bits, and symbolic links stay links. Long names use PAX headers.
 * Stateless.
 */
public final class SourceArchive {

  private static final int BLOCK = 512;

  /**
   * The name of git's repository directory, never packed whatever the {@code .dockerignore} says.
   */
  private static final String GIT_DIRECTORY = ".git";

  private SourceArchive() {}

  /**
   * Writes the archive of {@code root} to {@code target}.
   *
   * @return the number of entries written
   * @throws IOException when reading the tree or writing fails
   * @throws io.slipway.builder.BuildInputException when the root {@code .dockerignore} is malformed
   */
  public static int write(Path root, Path target) throws IOException {
    DockerIgnore ignore = rootIgnore(root);
    List<Path> paths = list(root, ignore);
    try (OutputStream out =
        new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(target)))) {
      for (Path path : paths) {
        writeEntry(out, root, path);
      }
      out.write(new byte[BLOCK * 2]);
    }
    return paths.size();
  }

  private static DockerIgnore rootIgnore(Path root) throws IOException {
    Path file = root.resolve(DockerIgnore.FILE);
    if (!Files.isRegularFile(file)) {
      return DockerIgnore.NONE;
    }
    return DockerIgnore.parse(Files.readString(file, StandardCharsets.UTF_8), DockerIgnore.FILE);
  }

  private static List<Path> list(Path root, DockerIgnore ignore) throws IOException {
    List<Path> paths = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            if (isGit(dir)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (!dir.equals(root) && !ignore.excludes(name(root, dir))) {
              paths.add(dir);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (isGit(file)) {
              // A worktree or submodule has a .git file pointing at its repository elsewhere.
              return FileVisitResult.CONTINUE;
            }
            boolean kept = alwaysKept(file) || !ignore.excludes(name(root, file));
            if (kept && (attributes.isRegularFile() || attributes.isSymbolicLink())) {
              paths.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    paths.sort(Comparator.comparing(p -> name(root, p)));
    return paths;
  }

  private static boolean isGit(Path path) {
    return path.getFileName() != null && path.getFileName().toString().equals(GIT_DIRECTORY);
  }

  private static boolean alwaysKept(Path file) {
    String name = file.getFileName().toString();
    return name.equals(DockerIgnore.FILE)
        || name.equals("Dockerfile")
        || name.startsWith("Dockerfile.")
        || Project.COMPOSE_FILES.contains(name);
  }

  private static String name(Path root, Path path) {
    return root.relativize(path).toString().replace('\\', '/');
  }

  private static void writeEntry(OutputStream out, Path root, Path path) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String name = name(root, path) + (attributes.isDirectory() ? "/" : "");
    char type = attributes.isDirectory() ? '5' : attributes.isSymbolicLink() ? '2' : '0';
    String link = attributes.isSymbolicLink() ? Files.readSymbolicLink(path).toString() : "";
    long size = type == '0' ? attributes.size() : 0;
    long mtime = attributes.lastModifiedTime().toInstant().getEpochSecond();
    if (name.getBytes(StandardCharsets.UTF_8).length > 100
        || link.getBytes(StandardCharsets.UTF_8).length > 100) {
      writePax(out, name, link);
    }
    out.write(header(name, type, mode(path, attributes), size, mtime, link));
    if (type == '0') {
      try (InputStream in = Files.newInputStream(path)) {
        long copied = in.transferTo(out);
        pad(out, copied);
      }
    }
  }

  private static void writePax(OutputStream out, String name, String link) throws IOException {
    StringBuilder records = new StringBuilder(record("path", name));
    if (!link.isEmpty()) {
      records.append(record("linkpath", link));
    }
    byte[] body = records.toString().getBytes(StandardCharsets.UTF_8);
    out.write(header("PaxHeader", 'x', 0644, body.length, 0, ""));
    out.write(body);
    pad(out, body.length);
  }

  /** Returns one PAX record, {@code "<length> key=value\n"}, whose length counts itself. */
  private static String record(String key, String value) {
    int payload = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int length = payload + Integer.toString(payload).length();
    if (Integer.toString(length).length() != Integer.toString(payload).length()) {
      length++;
    }
    return length + " " + key + "=" + value + "\n";
  }

  private static byte[] header(
      String name, char type, int mode, long size, long mtime, String link) {
    byte[] header = new byte[BLOCK];
    put(header, 0, 100, name);
    octal(header, 100, 8, mode);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, size);
    octal(header, 136, 12, mtime);
    header[156] = (byte) type;
    put(header, 157, 100, link);
    put(header, 257, 6, "ustar");
    put(header, 263, 2, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    octal(header, 148, 7, sum);
    return header;
  }

  private static void put(byte[] header, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    String text = Long.toOctalString(value);
    String padded = "0".repeat(Math.max(0, length - 1 - text.length())) + text;
    put(header, offset, length - 1, padded);
  }

  private static void pad(OutputStream out, long written) throws IOException {
    int rest = (int) (written % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }

  private static int mode(Path path, BasicFileAttributes attributes) throws IOException {
    if (attributes.isSymbolicLink()) {
      return 0777;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException notPosix) {
      return attributes.isDirectory() ? 0755 : 0644;
    }
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      mode |= 1 << (8 - permission.ordinal());
    }
    return mode;
  }
}
