package io.slipway.builder.dockerfile;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One instruction of a Dockerfile, as written: keyword, options, arguments, and the lines it spans.
 * Variables are not expanded here; {@code VariableScope} does that with Docker's scoping rules.
 * Immutable.
 *
 * @param keyword the instruction in upper case, such as {@code COPY}
 * @param line the 1-based line where the instruction starts
 * @param endLine the 1-based last line it spans, counting continuation lines and heredoc bodies
 * @param flags the {@code --name=value} options before the arguments, in written order
 * @param arguments the arguments after the options, continuation lines joined as Docker joins them
 *     (the escape character and line break removed)
 * @param execForm the arguments as a list when written as a JSON array (exec form), otherwise null
 *     (shell form)
 * @param heredocs the here-documents the instruction opens, in order
 * @param trigger for {@code ONBUILD}, the instruction it registers; otherwise null
 */
public record Instruction(
    String keyword,
    int line,
    int endLine,
    List<Flag> flags,
    String arguments,
    List<String> execForm,
    List<Heredoc> heredocs,
    Instruction trigger) {

  /** The instruction keywords of Docker's Dockerfile frontend. */
  public static final Set<String> KEYWORDS =
      Set.of(
          "FROM",
          "RUN",
          "CMD",
          "LABEL",
          "EXPOSE",
          "ENV",
          "ADD",
          "COPY",
          "ENTRYPOINT",
          "VOLUME",
          "USER",
          "WORKDIR",
          "ARG",
          "ONBUILD",
          "STOPSIGNAL",
          "HEALTHCHECK",
          "SHELL",
          "MAINTAINER");

  /**
   * @throws IllegalArgumentException naming the keyword or line when it is unknown or out of order
   */
  public Instruction {
    Objects.requireNonNull(keyword, "keyword");
    Objects.requireNonNull(arguments, "arguments");
    if (!KEYWORDS.contains(keyword)) {
      throw new IllegalArgumentException("Instruction keyword '" + keyword + "' is unknown");
    }
    if (line < 1 || endLine < line) {
      throw new IllegalArgumentException(
          "Instruction lines " + line + ".." + endLine + " must be 1 or more and in order");
    }
    flags = flags == null ? List.of() : List.copyOf(flags);
    execForm = execForm == null ? null : List.copyOf(execForm);
    heredocs = heredocs == null ? List.of() : List.copyOf(heredocs);
  }

  /** Returns true when this instruction has {@code keyword}, compared without case. */
  public boolean is(String otherKeyword) {
    return keyword.equals(otherKeyword.toUpperCase(Locale.ROOT));
  }

  /** Returns true when the arguments were written as a JSON array. */
  public boolean isExecForm() {
    return execForm != null;
  }

  /** Returns the value of the first option named {@code name}, if present with a value. */
  public Optional<String> flag(String name) {
    return flags.stream()
        .filter(f -> f.name().equals(name))
        .map(Flag::value)
        .filter(Objects::nonNull)
        .findFirst();
  }

  /** Returns the values of every option named {@code name}, in written order. */
  public List<String> flags(String name) {
    return flags.stream()
        .filter(f -> f.name().equals(name))
        .map(Flag::value)
        .filter(Objects::nonNull)
        .toList();
  }

  /** Returns true when an option named {@code name} is present, with or without a value. */
  public boolean hasFlag(String name) {
    return flags.stream().anyMatch(f -> f.name().equals(name));
  }
}
