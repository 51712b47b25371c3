package io.slipway.builder.engine.jib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves image paths inside a directory that contains an image's root filesystem, following
 * symbolic links as the container would see them: an absolute link target starts again at the root,
 * and {@code ..} never climbs above it. No path this class returns lies outside the root.
 */
final class RootedPaths {

  /** Linux's limit on symbolic links followed while resolving one path. */
  private static final int MAX_LINKS = 40;

  private RootedPaths() {}

  /**
   * Resolves {@code imagePath} (absolute or relative to the root) under {@code root}, following
   * every symbolic link, including one in the last component when {@code followLast} is true.
   *
   * @throws IOException when a link cannot be read or there are more than 40 of them
   */
  static Path resolve(Path root, String imagePath, boolean followLast) throws IOException {
    Deque<String> pending = new ArrayDeque<>();
    push(pending, imagePath);
    Deque<String> resolved = new ArrayDeque<>();
    int links = 0;
    while (!pending.isEmpty()) {
      String part = pending.pop();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        resolved.pollLast();
        continue;
      }
      Path candidate = join(root, resolved).resolve(part);
      boolean last = pending.isEmpty();
      if ((!last || followLast) && Files.isSymbolicLink(candidate)) {
        if (++links > MAX_LINKS) {
          throw new IOException("Too many symbolic links while resolving " + imagePath);
        }
        String target = Files.readSymbolicLink(candidate).toString();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        push(pending, target);
        continue;
      }
      resolved.addLast(part);
    }
    return join(root, resolved);
  }

  /** Returns true when {@code path} exists without following a final symbolic link. */
  static boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  private static void push(Deque<String> pending, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      pending.push(parts[i]);
    }
  }

  private static Path join(Path root, Deque<String> parts) {
    Path path = root;
    for (String part : parts) {
      path = path.resolve(part);
    }
    return path;
  }
}
