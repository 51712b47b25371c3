package io.slipway.agent.engine;

import java.util.ArrayList;
import java.util.List;

/** Reads compose's {@code command} and {@code entrypoint}: a list of words or one string. */
final class ComposeWords {

  private ComposeWords() {}

  /**
   * Returns the words of {@code value}: a list's entries as text, or a string split at blanks
   * outside single and double quotes, with the quotes removed and backslash escapes applied outside
   * single quotes. Null gives an empty list (the image's own value).
   *
   * @throws IllegalArgumentException naming the service and key when a quote is not closed or the
   *     value is neither text nor list
   */
  static List<String> words(String service, String key, Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    if (value instanceof String text) {
      return split(service, key, text);
    }
    throw new IllegalArgumentException(
        "Service " + service + " has " + key + " '" + value + "': write a list or a string");
  }

  private static List<String> split(String service, String key, String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\\' && i + 1 < text.length()) {
        word.append(text.charAt(++i));
        inWord = true;
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException(
          "Service " + service + " has " + key + " '" + text + "' with an unclosed " + quote);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
