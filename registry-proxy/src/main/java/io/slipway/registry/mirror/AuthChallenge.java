package io.slipway.registry.mirror;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header, such as {@code Bearer
 * realm="https://auth.example/token",service="registry.example",scope="repository:lib/app:pull"}.
 *
 * @param scheme the authentication scheme in lower case, {@code bearer} or {@code basic}
 * @param parameters the auth-params with lower-case names and unquoted values
 */
record AuthChallenge(String scheme, Map<String, String> parameters) {

  AuthChallenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    parameters = Map.copyOf(parameters);
  }

  /** Returns the parameter {@code name} (lower case), if the challenge has it. */
  Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name));
  }

  boolean isBearer() {
    return scheme.equals("bearer");
  }

  boolean isBasic() {
    return scheme.equals("basic");
  }

  /**
   * Parses every challenge in {@code header}. Parameters are {@code name=token} or {@code
   * name="quoted string"} with backslash escapes; a word not followed by {@code =} starts the next
   * challenge. Text that fits neither form is skipped, so a malformed header yields fewer
   * challenges rather than an exception.
   */
  static List<AuthChallenge> parseAll(String header) {
    List<AuthChallenge> challenges = new ArrayList<>();
    Parser parser = new Parser(header == null ? "" : header);
    String scheme = null;
    Map<String, String> parameters = new LinkedHashMap<>();
    while (parser.skipSeparators()) {
      String word = parser.token();
      if (word.isEmpty()) {
        // A stray '=' or a quoted string without a name: skip it whole.
        if (parser.peek() == '"') {
          parser.quoted();
        } else {
          parser.skipOne();
        }
        continue;
      }
      parser.skipSpaces();
      if (parser.peek() == '=' && scheme != null) {
        parser.skipOne();
        parser.skipSpaces();
        String value = parser.peek() == '"' ? parser.quoted() : parser.token();
        parameters.put(word.toLowerCase(Locale.ROOT), value);
        continue;
      }
      if (scheme != null) {
        challenges.add(new AuthChallenge(scheme, parameters));
        parameters = new LinkedHashMap<>();
      }
      scheme = word;
    }
    if (scheme != null) {
      challenges.add(new AuthChallenge(scheme, parameters));
    }
    return challenges;
  }

  /** A cursor over the header text. */
  private static final class Parser {
    private final String text;
    private int position;

    Parser(String text) {
      this.text = text;
    }

    /** Skips spaces and commas; returns false at the end of the text. */
    boolean skipSeparators() {
      while (position < text.length()
          && (text.charAt(position) == ',' || Character.isWhitespace(text.charAt(position)))) {
        position++;
      }
      return position < text.length();
    }

    void skipSpaces() {
      while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
        position++;
      }
    }

    void skipOne() {
      position++;
    }

    char peek() {
      return position < text.length() ? text.charAt(position) : '\0';
    }

    String token() {
      int start = position;
      while (position < text.length() && isTokenChar(text.charAt(position))) {
        position++;
      }
      return text.substring(start, position);
    }

    String quoted() {
      StringBuilder value = new StringBuilder();
      position++;
      while (position < text.length() && text.charAt(position) != '"') {
        char c = text.charAt(position++);
        if (c == '\\' && position < text.length()) {
          c = text.charAt(position++);
        }
        value.append(c);
      }
      position++;
      return value.toString();
    }

    private static boolean isTokenChar(char c) {
      return c > ' ' && c != ',' && c != '=' && c != '"' && c < 127;
    }
  }
}
