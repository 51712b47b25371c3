package io.slipway.builder.dockerfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the exec form of an instruction: a JSON array of strings such as {@code ["nginx", "-g",
 * "daemon off;"]}. Anything else is shell form, as Docker treats it, so this returns null rather
 * than failing. Stateless.
 */
final class JsonArray {

  private final String text;
  private int position;

  private JsonArray(String text) {
    this.text = text;
  }

  /**
   * Returns the strings of {@code text} when it is exactly one JSON array of strings, else null.
   */
  static List<String> parse(String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
      return null;
    }
    try {
      return new JsonArray(trimmed).array();
    } catch (IllegalArgumentException notJson) {
      return null;
    }
  }

  private List<String> array() {
    List<String> values = new ArrayList<>();
    expect('[');
    skipSpace();
    if (peek() == ']') {
      position++;
      return end(values);
    }
    while (true) {
      skipSpace();
      values.add(string());
      skipSpace();
      char c = take();
      if (c == ']') {
        return end(values);
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected , or ]");
      }
    }
  }

  private List<String> end(List<String> values) {
    skipSpace();
    if (position != text.length()) {
      throw new IllegalArgumentException("text after ]");
    }
    return values;
  }

  private String string() {
    expect('"');
    StringBuilder value = new StringBuilder();
    while (true) {
      char c = take();
      if (c == '"') {
        return value.toString();
      }
      if (c != '\\') {
        value.append(c);
        continue;
      }
      char escaped = take();
      switch (escaped) {
        case '"', '\\', '/' -> value.append(escaped);
        case 'b' -> value.append('\b');
        case 'f' -> value.append('\f');
        case 'n' -> value.append('\n');
        case 'r' -> value.append('\r');
        case 't' -> value.append('\t');
        case 'u' -> value.append(unicode());
        default -> throw new IllegalArgumentException("bad escape");
      }
    }
  }

  private char unicode() {
    if (position + 4 > text.length()) {
      throw new IllegalArgumentException("short \\u escape");
    }
    String hex = text.substring(position, position + 4);
    position += 4;
    try {
      return (char) Integer.parseInt(hex, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad \\u escape", e);
    }
  }

  private void expect(char expected) {
    if (take() != expected) {
      throw new IllegalArgumentException("expected " + expected);
    }
  }

  private char take() {
    if (position >= text.length()) {
      throw new IllegalArgumentException("unexpected end");
    }
    return text.charAt(position++);
  }

  private char peek() {
    return position < text.length() ? text.charAt(position) : 0;
  }

  private void skipSpace() {
    while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
      position++;
    }
  }
}
