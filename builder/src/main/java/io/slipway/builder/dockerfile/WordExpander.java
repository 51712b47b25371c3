package io.slipway.builder.dockerfile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Expands variables in one word of a Dockerfile instruction the way Docker's shell lexer does:
 * {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-word}} and {@code ${NAME-word}} (default), {@code
 * ${NAME:+word}} and {@code ${NAME+word}} (alternative), {@code ${NAME:?message}}; single quotes
 * keep their content literal, double quotes allow expansion, the escape character makes the next
 * character literal, and quotes are removed. Stateless and safe for concurrent use.
 */
public final class WordExpander {

  private WordExpander() {}

  /**
   * The result of expanding a word.
   *
   * @param value the expanded word, quotes removed
   * @param undefined the names referenced plainly ({@code $X}, {@code ${X}}) or with {@code :?}
   *     that {@code variables} does not hold, in order of first use; references with a default or
   *     alternative are not listed
   */
  public record Expansion(String value, Set<String> undefined) {

    public Expansion {
      Objects.requireNonNull(value, "value");
      undefined = Set.copyOf(undefined);
    }
  }

  /**
   * Expands {@code word}.
   *
   * @param word the word as written
   * @param escape the Dockerfile's escape character
   * @param variables the variables in scope; a name mapped to null counts as declared but unset
   * @return the expanded word and the names that were not in scope
   * @throws IllegalArgumentException naming the form when a {@code ${...}} form is not supported
   */
  public static Expansion expand(String word, char escape, Map<String, String> variables) {
    Set<String> undefined = new LinkedHashSet<>();
    String value = new Lexer(word, escape, variables, undefined).word();
    return new Expansion(value, undefined);
  }

  /**
   * Splits {@code text} into words at unquoted, unescaped white space, keeping quotes and escapes
   * in each word so that {@link #expand} can process it.
   */
  public static List<String> split(String text, char escape) {
    List<String> words = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == 0 && Character.isWhitespace(c)) {
        if (inWord) {
          words.add(current.toString());
          current.setLength(0);
          inWord = false;
        }
        continue;
      }
      inWord = true;
      current.append(c);
      if (c == escape && quote != '\'' && i + 1 < text.length()) {
        current.append(text.charAt(++i));
      } else if (quote == 0 && (c == '\'' || c == '"')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      }
    }
    if (inWord) {
      words.add(current.toString());
    }
    return words;
  }

  /** Reads one word; each instance is used once. */
  private static final class Lexer {
    private final String text;
    private final char escape;
    private final Map<String, String> variables;
    private final Set<String> undefined;
    private int position;

    Lexer(String text, char escape, Map<String, String> variables, Set<String> undefined) {
      this.text = text;
      this.escape = escape;
      this.variables = variables;
      this.undefined = undefined;
    }

    String word() {
      return until((char) 0);
    }

    /** Reads up to {@code stop} outside quotes (or to the end), consuming the stop character. */
    private String until(char stop) {
      StringBuilder out = new StringBuilder();
      while (position < text.length()) {
        char c = text.charAt(position);
        if (stop != 0 && c == stop) {
          position++;
          return out.toString();
        }
        position++;
        if (c == escape) {
          appendEscaped(out);
        } else if (c == '\'') {
          out.append(singleQuoted());
        } else if (c == '"') {
          out.append(doubleQuoted());
        } else if (c == '$') {
          out.append(dollar());
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    private void appendEscaped(StringBuilder out) {
      if (position < text.length()) {
        out.append(text.charAt(position++));
      } else {
        out.append(escape);
      }
    }

    private String singleQuoted() {
      int end = text.indexOf('\'', position);
      if (end < 0) {
        String rest = text.substring(position);
        position = text.length();
        return rest;
      }
      String content = text.substring(position, end);
      position = end + 1;
      return content;
    }

    private String doubleQuoted() {
      StringBuilder out = new StringBuilder();
      while (position < text.length()) {
        char c = text.charAt(position++);
        if (c == '"') {
          return out.toString();
        }
        if (c == escape && position < text.length()) {
          char next = text.charAt(position);
          if (next == '"' || next == '$' || next == escape) {
            out.append(next);
            position++;
            continue;
          }
          out.append(c);
        } else if (c == '$') {
          out.append(dollar());
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    private String dollar() {
      if (position >= text.length()) {
        return "$";
      }
      char c = text.charAt(position);
      if (c == '{') {
        position++;
        return braced();
      }
      String name = name();
      if (name.isEmpty()) {
        return "$";
      }
      return plain(name);
    }

    private String name() {
      int start = position;
      while (position < text.length() && isNameChar(text.charAt(position), position == start)) {
        position++;
      }
      return text.substring(start, position);
    }

    private static boolean isNameChar(char c, boolean first) {
      boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
      return letter || (!first && c >= '0' && c <= '9');
    }

    private String plain(String name) {
      if (!variables.containsKey(name)) {
        undefined.add(name);
        return "";
      }
      String value = variables.get(name);
      return value == null ? "" : value;
    }

    private String braced() {
      String name = name();
      if (position >= text.length()) {
        return plain(name);
      }
      char c = text.charAt(position++);
      if (c == '}') {
        return plain(name);
      }
      boolean colon = c == ':';
      char operator = colon && position < text.length() ? text.charAt(position++) : c;
      String word = until('}');
      boolean set = variables.containsKey(name);
      String value = set ? variables.get(name) : null;
      boolean present = colon ? value != null && !value.isEmpty() : set;
      return switch (operator) {
        case '-' -> present ? nullToEmpty(value) : word;
        case '+' -> present ? word : "";
        case '?' -> {
          if (!present) {
            undefined.add(name);
          }
          yield nullToEmpty(value);
        }
        default ->
            throw new IllegalArgumentException(
                "'${"
                    + name
                    + (colon ? ":" : "")
                    + operator
                    + "' is not supported; use ${NAME}, ${NAME:-default} or ${NAME:+value}");
      };
    }

    private static String nullToEmpty(String value) {
      return value == null ? "" : value;
    }
  }
}
