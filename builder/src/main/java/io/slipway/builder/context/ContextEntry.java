package io.slipway.builder.context;

import java.util.Objects;

/**
 * One file, directory or symbolic link of a build context. Immutable.
 *
 * @param path the path relative to the context root, {@code /} separators, no leading {@code ./}
 * @param type what the entry is
 * @param mode the POSIX permission bits, such as {@code 0755} (octal)
 * @param size the size in bytes of a file; 0 for other types
 * @param linkTarget the target of a symbolic link exactly as stored in the link; null otherwise
 */
public record ContextEntry(String path, Type type, int mode, long size, String linkTarget) {

  /** The kinds of entries a context keeps; sockets, pipes and devices are left out. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK
  }

  /**
   * @throws IllegalArgumentException naming the path when it is empty, absolute or has a {@code ..}
   *     step, or when a link has no target
   */
  public ContextEntry {
    Objects.requireNonNull(type, "type");
    if (path == null
        || path.isEmpty()
        || path.startsWith("/")
        || path.equals("..")
        || path.startsWith("../")
        || path.contains("/../")
        || path.endsWith("/..")) {
      throw new IllegalArgumentException(
          "Context path '" + path + "' must be relative and stay inside the context");
    }
    if ((type == Type.SYMLINK) != (linkTarget != null)) {
      throw new IllegalArgumentException(
          "Context entry " + path + " must have a link target exactly when it is a link");
    }
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException(
          "Mode " + Integer.toOctalString(mode) + " of " + path + " is not a permission mode");
    }
  }
}
