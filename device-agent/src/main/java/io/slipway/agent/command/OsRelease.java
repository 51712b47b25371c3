package io.slipway.agent.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the OS version from an os-release file (freedesktop.org format). Stateless. */
final class OsRelease {

  /** The longest OS version the server stores, in characters. */
  static final int MAX_LENGTH = 128;

  private OsRelease() {}

  /**
   * Returns {@code PRETTY_NAME} of {@code file}, else {@code NAME VERSION_ID}, cut to {@value
   * #MAX_LENGTH} characters; null when the file is missing or names neither.
   */
  static String read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
    String pretty = value(lines, "PRETTY_NAME");
    if (pretty == null) {
      String name = value(lines, "NAME");
      String version = value(lines, "VERSION_ID");
      if (name != null) {
        pretty = version == null ? name : name + " " + version;
      }
    }
    if (pretty == null || pretty.isBlank()) {
      return null;
    }
    return pretty.length() > MAX_LENGTH ? pretty.substring(0, MAX_LENGTH) : pretty;
  }

  private static String value(List<String> lines, String key) {
    for (String line : lines) {
      if (line.startsWith(key + "=")) {
        String value = line.substring(key.length() + 1).strip();
        if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
          value = value.substring(1, value.length() - 1);
        }
        return value;
      }
    }
    return null;
  }
}
