package io.slipway.builder.engine.jib;

/** Operations on absolute paths inside an image, which always use {@code /}. */
final class ImagePaths {

  private ImagePaths() {}

  /** Resolves {@code path} against {@code workingDirectory} unless it is absolute, normalized. */
  static String absolute(String path, String workingDirectory) {
    String joined = path.startsWith("/") ? path : workingDirectory + "/" + path;
    StringBuilder normal = new StringBuilder();
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    for (String part : joined.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    for (String part : parts) {
      normal.append('/').append(part);
    }
    return normal.isEmpty() ? "/" : normal.toString();
  }

  /** Returns {@code directory/name}. */
  static String child(String directory, String name) {
    return directory.equals("/") ? "/" + name : directory + "/" + name;
  }

  /** Returns {@code path} without leading slashes or {@code ./}, for lookups under a root. */
  static String relative(String path) {
    String trimmed = path;
    while (trimmed.startsWith("/") || trimmed.startsWith("./")) {
      trimmed = trimmed.startsWith("/") ? trimmed.substring(1) : trimmed.substring(2);
    }
    return trimmed.equals(".") ? "" : trimmed;
  }
}
