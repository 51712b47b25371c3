package io.slipway.builder.dockerfile;

import io.slipway.builder.BuildInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Dockerfile text into a {@link Dockerfile} the way Docker's Dockerfile frontend reads it:
 * parser directives at the top ({@code # syntax=}, {@code # escape=}), comments, line continuations
 * with the escape character, {@code ARG} before the first {@code FROM}, stages named with {@code
 * AS}, options such as {@code --platform}, {@code --from}, {@code --chown} and {@code --chmod},
 * exec (JSON array) and shell forms, and here-documents ({@code <<EOF}, {@code <<-EOF}, quoted
 * delimiters, several per instruction).
 *
 * <p>Variables are not expanded while parsing; {@code VariableScope} does that. Stateless and safe
 * for concurrent use.
 */
public final class DockerfileParser {

  private static final Pattern DIRECTIVE =
      Pattern.compile("#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.*?)\\s*");
  private static final Set<String> DIRECTIVES = Set.of("syntax", "escape", "check");
  private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9_.-]*");
  private static final Pattern HEREDOC =
      Pattern.compile("<<(-?)(?:\"([^\"\\s]+)\"|'([^'\\s]+)'|([A-Za-z_][A-Za-z0-9_]*))");
  private static final Set<String> HEREDOC_KEYWORDS = Set.of("RUN", "COPY", "ADD");
  private static final Map<String, Set<String>> ALLOWED_FLAGS =
      Map.of(
          "FROM", Set.of("platform"),
          "COPY", Set.of("from", "chown", "chmod", "link", "parents", "exclude"),
          "ADD", Set.of("chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"),
          "RUN", Set.of("mount", "network", "security", "device"),
          "HEALTHCHECK",
              Set.of("interval", "timeout", "start-period", "start-interval", "retries"));
  private static final Set<String> MAY_BE_EMPTY = Set.of("CMD", "ENTRYPOINT");

  private DockerfileParser() {}

  /**
   * Parses {@code text}.
   *
   * @param text the Dockerfile's content
   * @param fileName the file's name relative to the project root, used in error messages
   * @return the parsed Dockerfile, with at least one stage
   * @throws BuildInputException naming the file, the line and the fix for an unknown instruction,
   *     an instruction other than ARG before the first FROM, an unknown option, a malformed FROM,
   *     an unterminated here-document, an empty file, or an invalid escape directive
   */
  public static Dockerfile parse(String text, String fileName) {
    return new Run(text, fileName).parse();
  }

  /** Holds the state of one parse. */
  private static final class Run {
    private final String fileName;
    private final String[] lines;
    private final Map<String, String> directives = new LinkedHashMap<>();
    private char escape = '\\';
    private int next;

    Run(String text, String fileName) {
      this.fileName = fileName;
      String normalized = text.startsWith("\uFEFF") ? text.substring(1) : text;
      this.lines = normalized.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    }

    Dockerfile parse() {
      readDirectives();
      List<Instruction> instructions = new ArrayList<>();
      Instruction instruction;
      while ((instruction = nextInstruction()) != null) {
        instructions.add(instruction);
      }
      return assemble(instructions);
    }

    private void readDirectives() {
      while (next < lines.length) {
        Matcher matcher = DIRECTIVE.matcher(lines[next].strip());
        if (!matcher.matches()) {
          return;
        }
        String key = matcher.group(1).toLowerCase(Locale.ROOT);
        if (!DIRECTIVES.contains(key)) {
          return;
        }
        if (directives.containsKey(key)) {
          throw error(next + 1, "parser directive '" + key + "' appears twice; keep one");
        }
        directives.put(key, matcher.group(2));
        if (key.equals("escape")) {
          escape = escapeCharacter(matcher.group(2), next + 1);
        }
        next++;
      }
    }

    private char escapeCharacter(String value, int line) {
      if (value.equals("\\") || value.equals("`")) {
        return value.charAt(0);
      }
      throw error(line, "escape directive '" + value + "' is invalid; write \\ or `");
    }

    /** Reads the next logical instruction, or returns null at the end of the file. */
    private Instruction nextInstruction() {
      skipBlankAndComments();
      if (next >= lines.length) {
        return null;
      }
      int start = next + 1;
      StringBuilder logical = new StringBuilder();
      boolean continued = true;
      while (continued && next < lines.length) {
        String raw = lines[next++];
        if (logical.length() > 0 && isCommentOrBlank(raw)) {
          continue;
        }
        String stripped = stripTrailing(raw);
        continued = !stripped.isEmpty() && stripped.charAt(stripped.length() - 1) == escape;
        logical.append(continued ? stripped.substring(0, stripped.length() - 1) : raw);
      }
      int end = next;
      return instruction(logical.toString().strip(), start, end);
    }

    private void skipBlankAndComments() {
      while (next < lines.length && isCommentOrBlank(lines[next])) {
        next++;
      }
    }

    private boolean isCommentOrBlank(String line) {
      String stripped = line.strip();
      return stripped.isEmpty() || stripped.startsWith("#");
    }

    private String stripTrailing(String line) {
      return line.stripTrailing();
    }

    private Instruction instruction(String logical, int start, int end) {
      int space = firstWhitespace(logical);
      String word = space < 0 ? logical : logical.substring(0, space);
      String keyword = word.toUpperCase(Locale.ROOT);
      if (!Instruction.KEYWORDS.contains(keyword)) {
        throw error(
            start,
            "unknown instruction '"
                + word
                + "'; use one of FROM, RUN, COPY, ADD, ENV, ARG, ... or turn the line into a"
                + " comment with #");
      }
      String rest = space < 0 ? "" : logical.substring(space).strip();
      return body(keyword, rest, start, end);
    }

    private Instruction body(String keyword, String rest, int start, int end) {
      List<Flag> flags = new ArrayList<>();
      String arguments = rest;
      if (ALLOWED_FLAGS.containsKey(keyword)) {
        arguments = readFlags(keyword, rest, start, flags);
      }
      if (arguments.isEmpty() && !MAY_BE_EMPTY.contains(keyword)) {
        throw error(start, keyword + " needs arguments; complete the instruction or remove it");
      }
      Instruction trigger = null;
      if (keyword.equals("ONBUILD")) {
        trigger = onbuildTrigger(arguments, start, end);
      }
      List<String> exec = isJsonCandidate(keyword) ? JsonArray.parse(arguments) : null;
      List<Heredoc> heredocs = List.of();
      int last = end;
      if (exec == null && HEREDOC_KEYWORDS.contains(keyword)) {
        heredocs = readHeredocs(arguments, start);
        last = heredocs.isEmpty() ? end : next;
      }
      return new Instruction(keyword, start, last, flags, arguments, exec, heredocs, trigger);
    }

    private boolean isJsonCandidate(String keyword) {
      return switch (keyword) {
        case "RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "VOLUME", "SHELL", "HEALTHCHECK" -> true;
        default -> false;
      };
    }

    private Instruction onbuildTrigger(String arguments, int start, int end) {
      int space = firstWhitespace(arguments);
      String inner =
          (space < 0 ? arguments : arguments.substring(0, space)).toUpperCase(Locale.ROOT);
      if (inner.equals("ONBUILD") || inner.equals("FROM") || inner.equals("MAINTAINER")) {
        throw error(start, "ONBUILD " + inner + " is not allowed; remove it");
      }
      return instruction(arguments, start, end);
    }

    private String readFlags(String keyword, String rest, int line, List<Flag> flags) {
      String remaining = rest;
      while (remaining.startsWith("--")) {
        int space = firstWhitespace(remaining);
        String token = space < 0 ? remaining : remaining.substring(0, space);
        remaining = space < 0 ? "" : remaining.substring(space).strip();
        if (token.equals("--")) {
          break;
        }
        int equals = token.indexOf('=');
        String name = equals < 0 ? token.substring(2) : token.substring(2, equals);
        String value = equals < 0 ? null : token.substring(equals + 1);
        if (!ALLOWED_FLAGS.get(keyword).contains(name)) {
          throw error(
              line,
              keyword
                  + " has unknown option '--"
                  + name
                  + "'; use one of "
                  + ALLOWED_FLAGS.get(keyword).stream().sorted().map(f -> "--" + f).toList());
        }
        flags.add(new Flag(name, value));
      }
      return remaining;
    }

    /**
     * Reads the bodies of the here-documents opened in {@code arguments}, which start on the line
     * after the instruction, in the order the markers appear.
     */
    private List<Heredoc> readHeredocs(String arguments, int line) {
      List<Heredoc> heredocs = new ArrayList<>();
      for (Matcher marker : heredocMarkers(arguments)) {
        boolean stripTabs = !marker.group(1).isEmpty();
        String quoted = marker.group(2) != null ? marker.group(2) : marker.group(3);
        String delimiter = quoted != null ? quoted : marker.group(4);
        heredocs.add(readHeredoc(delimiter, quoted == null, stripTabs, line));
      }
      return heredocs;
    }

    private List<Matcher> heredocMarkers(String arguments) {
      List<Matcher> markers = new ArrayList<>();
      char quote = 0;
      for (int i = 0; i < arguments.length(); i++) {
        char c = arguments.charAt(i);
        if (quote != 0) {
          quote = c == quote ? 0 : quote;
          continue;
        }
        if (c == '"' || c == '\'') {
          quote = c;
          continue;
        }
        if (c == '<' && arguments.startsWith("<<", i) && !arguments.startsWith("<<<", i)) {
          Matcher matcher = HEREDOC.matcher(arguments).region(i, arguments.length());
          if (matcher.lookingAt()) {
            markers.add(matcher);
            i = matcher.end() - 1;
          }
        }
      }
      return markers;
    }

    private Heredoc readHeredoc(String delimiter, boolean expand, boolean stripTabs, int line) {
      int bodyStart = next + 1;
      StringBuilder content = new StringBuilder();
      while (next < lines.length) {
        String raw = lines[next++];
        String body = stripTabs ? raw.replaceFirst("^\t+", "") : raw;
        if (body.equals(delimiter)) {
          return new Heredoc(delimiter, content.toString(), expand, stripTabs, bodyStart);
        }
        content.append(body).append('\n');
      }
      throw error(
          line,
          "here-document '<<"
              + delimiter
              + "' is never closed; end it with a line holding only "
              + delimiter);
    }

    private Dockerfile assemble(List<Instruction> instructions) {
      List<Instruction> globalArgs = new ArrayList<>();
      List<Stage> stages = new ArrayList<>();
      Instruction from = null;
      List<Instruction> body = new ArrayList<>();
      for (Instruction instruction : instructions) {
        if (instruction.is("FROM")) {
          if (from != null) {
            stages.add(stage(stages.size(), from, body));
          }
          from = instruction;
          body = new ArrayList<>();
        } else if (from != null) {
          body.add(instruction);
        } else if (instruction.is("ARG")) {
          globalArgs.add(instruction);
        } else {
          throw error(
              instruction.line(),
              instruction.keyword()
                  + " comes before the first FROM; only ARG may; move it after a FROM line");
        }
      }
      if (from == null) {
        throw error(0, "has no FROM instruction; start the build with FROM IMAGE");
      }
      stages.add(stage(stages.size(), from, body));
      checkStageNames(stages);
      return new Dockerfile(fileName, directives, escape, globalArgs, stages);
    }

    private Stage stage(int index, Instruction from, List<Instruction> body) {
      String[] words = from.arguments().split("\\s+");
      String name = null;
      if (words.length == 3 && words[1].equalsIgnoreCase("AS")) {
        name = words[2].toLowerCase(Locale.ROOT);
        if (!STAGE_NAME.matcher(name).matches()) {
          throw error(
              from.line(),
              "stage name '"
                  + words[2]
                  + "' is invalid; start with a letter and use letters, digits, '-', '_', '.'");
        }
      } else if (words.length != 1) {
        throw error(
            from.line(),
            "FROM '"
                + from.arguments()
                + "' is malformed; write FROM [--platform=P] IMAGE [AS NAME]");
      }
      return new Stage(index, name, words[0], from.flag("platform").orElse(null), from, body);
    }

    private void checkStageNames(List<Stage> stages) {
      Map<String, Stage> seen = new LinkedHashMap<>();
      for (Stage stage : stages) {
        if (stage.name() == null) {
          continue;
        }
        Stage earlier = seen.putIfAbsent(stage.name(), stage);
        if (earlier != null) {
          throw error(
              stage.line(),
              "stage name '"
                  + stage.name()
                  + "' is already used at line "
                  + earlier.line()
                  + "; give each stage its own name");
        }
      }
    }

    private static int firstWhitespace(String text) {
      for (int i = 0; i < text.length(); i++) {
        if (Character.isWhitespace(text.charAt(i))) {
          return i;
        }
      }
      return -1;
    }

    private BuildInputException error(int line, String reason) {
      return new BuildInputException(fileName, line, reason);
    }
  }
}
