package io.slipway.builder.context;

import io.slipway.builder.BuildInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The exclusion rules of a {@code .dockerignore} file, with Docker's matching rules: one pattern
 * per line, {@code #} comment lines, surrounding white space trimmed, paths cleaned (a leading
 * {@code /} or {@code ./} and {@code ..} steps removed), {@code *} and {@code ?} within one path
 * component, {@code [...]} character classes, {@code \} escaping, {@code **} for any number of
 * directories, {@code !} re-including what an earlier pattern excluded, the last matching pattern
 * deciding. A pattern that matches a directory excludes everything under it. Immutable and safe to
 * share between threads.
 */
public final class DockerIgnore {

  /** Ignores nothing. */
  public static final DockerIgnore NONE = new DockerIgnore(List.of());

  /** The file Docker reads the rules from, at the root of the build context. */
  public static final String FILE = ".dockerignore";

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** One compiled pattern. */
  private record Rule(String pattern, Pattern regex, boolean exception, int line) {}

  /**
   * Parses {@code .dockerignore} text.
   *
   * @param text the file's content
   * @param file its name relative to the project root, for messages
   * @throws BuildInputException naming the file, the line and the pattern when a pattern is
   *     malformed, such as an unclosed {@code [}
   */
  public static DockerIgnore parse(String text, String file) {
    Objects.requireNonNull(text, "text");
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String pattern = lines[i].strip();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      boolean exception = pattern.startsWith("!");
      if (exception) {
        pattern = pattern.substring(1).strip();
      }
      pattern = clean(pattern);
      if (pattern.isEmpty()) {
        continue;
      }
      try {
        rules.add(new Rule(pattern, Pattern.compile(toRegex(pattern)), exception, i + 1));
      } catch (PatternSyntaxException e) {
        throw new BuildInputException(
            file,
            i + 1,
            "pattern '"
                + pattern
                + "' is malformed ("
                + e.getDescription()
                + "); fix or remove it");
      }
    }
    return new DockerIgnore(rules);
  }

  /**
   * Returns true when {@code path} is excluded from the build context.
   *
   * @param path a path relative to the context root with {@code /} separators, such as {@code
   *     src/main.go}
   */
  public boolean excludes(String path) {
    boolean excluded = false;
    List<String> candidates = selfAndParents(path);
    for (Rule rule : rules) {
      for (String candidate : candidates) {
        if (rule.regex().matcher(candidate).matches()) {
          excluded = !rule.exception();
          break;
        }
      }
    }
    return excluded;
  }

  /**
   * Returns true when some pattern is an exception ({@code !}), so excluded directories must still
   * be walked.
   */
  public boolean hasExceptions() {
    return rules.stream().anyMatch(Rule::exception);
  }

  /** Returns the patterns in file order, exceptions with their {@code !}. */
  public List<String> patterns() {
    return rules.stream().map(r -> r.exception() ? "!" + r.pattern() : r.pattern()).toList();
  }

  private static List<String> selfAndParents(String path) {
    List<String> candidates = new ArrayList<>();
    candidates.add(path);
    int slash = path.lastIndexOf('/');
    while (slash > 0) {
      candidates.add(path.substring(0, slash));
      slash = path.lastIndexOf('/', slash - 1);
    }
    return candidates;
  }

  /** Cleans a pattern as Go's {@code filepath.Clean} does, then drops a leading slash. */
  static String clean(String pattern) {
    boolean absolute = pattern.startsWith("/");
    List<String> parts = new ArrayList<>();
    for (String part : pattern.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
          parts.remove(parts.size() - 1);
        } else if (!absolute) {
          parts.add(part);
        }
        continue;
      }
      parts.add(part);
    }
    String cleaned = String.join("/", parts);
    return cleaned.isEmpty() && !absolute ? "." : cleaned;
  }

  /** Translates a cleaned pattern into an anchored regular expression. */
  static String toRegex(String pattern) {
    StringBuilder regex = new StringBuilder("^");
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '*' && pattern.startsWith("**", i)) {
        i += 2;
        if (i < pattern.length() && pattern.charAt(i) == '/') {
          i++;
        }
        if (i >= pattern.length()) {
          regex.append(".*");
        } else {
          regex.append("(.*/)?");
        }
        continue;
      }
      i++;
      switch (c) {
        case '*' -> regex.append("[^/]*");
        case '?' -> regex.append("[^/]");
        case '[' -> i = charClass(pattern, i, regex);
        case '\\' -> {
          if (i < pattern.length()) {
            regex.append(Pattern.quote(String.valueOf(pattern.charAt(i++))));
          } else {
            regex.append("\\\\");
          }
        }
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.append('$').toString();
  }

  /** Copies a {@code [...]} class starting after {@code [}; returns the index after {@code ]}. */
  private static int charClass(String pattern, int start, StringBuilder regex) {
    int end = pattern.indexOf(']', start + 1);
    if (end < 0) {
      throw new PatternSyntaxException("unclosed [", pattern, start - 1);
    }
    String body = pattern.substring(start, end);
    if (body.startsWith("^") || body.startsWith("!")) {
      body = "^" + body.substring(1);
    }
    regex.append('[').append(body.replace("[", "\\[")).append(']');
    return end + 1;
  }
}
