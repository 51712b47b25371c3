package io.slipway.osimage.fat;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.util.List;

/**
 * A validated path of a file inside a FAT filesystem: relative, {@code /}-separated, each segment a
 * valid FAT long name.
 *
 * @param path the path as given, such as {@code system-connections/slipway-wifi}
 * @param segments its names, the last one the file's
 */
record BootPath(String path, List<String> segments) {

  /** The maximum length of a FAT long name, in UTF-16 code units. */
  private static final int MAX_NAME_LENGTH = 255;

  private static final String FORBIDDEN = "\"*/:<>?\\|";

  BootPath {
    segments = List.copyOf(segments);
  }

  /**
   * Parses {@code path}.
   *
   * @throws OsImageException {@code INVALID_CONFIG} naming the path and the rule it breaks
   */
  static BootPath parse(String path) {
    if (path == null || path.isEmpty()) {
      throw invalid(String.valueOf(path), "it is empty");
    }
    if (path.startsWith("/")) {
      throw invalid(path, "it is absolute; write it relative to the partition's root");
    }
    List<String> segments = List.of(path.split("/", -1));
    for (String segment : segments) {
      checkSegment(path, segment);
    }
    return new BootPath(path, segments);
  }

  private static void checkSegment(String path, String segment) {
    if (segment.isEmpty()) {
      throw invalid(path, "it has an empty segment");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw invalid(path, "it contains '" + segment + "'");
    }
    if (segment.length() > MAX_NAME_LENGTH) {
      throw invalid(path, "a name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (!segment.strip().equals(segment) || segment.endsWith(".")) {
      throw invalid(path, "a name starts or ends with a space or ends with a dot");
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c < 0x20 || c == 0x7f || FORBIDDEN.indexOf(c) >= 0) {
        throw invalid(path, "a name contains the character U+" + String.format("%04X", (int) c));
      }
    }
  }

  /** Returns the names of the directories that contain the file, outermost first. */
  List<String> parents() {
    return segments.subList(0, segments.size() - 1);
  }

  String fileName() {
    return segments.get(segments.size() - 1);
  }

  private static OsImageException invalid(String path, String reason) {
    return new OsImageException(
        OsImageFailure.INVALID_CONFIG,
        "Invalid boot partition path '"
            + path
            + "': "
            + reason
            + ". Use a relative path of FAT long names separated by '/', such as"
            + " system-connections/slipway-wifi.");
  }
}
