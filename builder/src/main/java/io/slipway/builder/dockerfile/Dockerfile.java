package io.slipway.builder.dockerfile;

import io.slipway.builder.BuildInputException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A parsed Dockerfile: its parser directives, the {@code ARG} instructions before the first {@code
 * FROM} (global arguments, visible only in {@code FROM} lines), and its stages. Produced by {@link
 * DockerfileParser}; immutable and safe to share between threads.
 *
 * @param fileName the file's name relative to the project root, used in every error message
 * @param directives parser directives from the top of the file ({@code syntax}, {@code escape},
 *     {@code check}), keys in lower case
 * @param escape the escape character: {@code \} or {@code `} when the {@code escape} directive sets
 *     it
 * @param globalArgs the {@code ARG} instructions before the first {@code FROM}
 * @param stages the stages, at least one
 */
public record Dockerfile(
    String fileName,
    Map<String, String> directives,
    char escape,
    List<Instruction> globalArgs,
    List<Stage> stages) {

  /**
   * @throws IllegalArgumentException when there is no stage or the escape character is neither
   *     {@code \} nor {@code `}
   */
  public Dockerfile {
    Objects.requireNonNull(fileName, "fileName");
    if (escape != '\\' && escape != '`') {
      throw new IllegalArgumentException("Escape character '" + escape + "' must be \\ or `");
    }
    if (stages == null || stages.isEmpty()) {
      throw new IllegalArgumentException("Dockerfile " + fileName + " has no stage");
    }
    directives = Collections.unmodifiableMap(new LinkedHashMap<>(directives));
    globalArgs = List.copyOf(globalArgs);
    stages = List.copyOf(stages);
  }

  /**
   * Finds a stage by its {@code AS} name (without case) or its 0-based index written as a number,
   * as {@code COPY --from} and {@code FROM} refer to stages.
   */
  public Optional<Stage> stage(String label) {
    String lower = label.toLowerCase(Locale.ROOT);
    for (Stage stage : stages) {
      if (lower.equals(stage.name())) {
        return Optional.of(stage);
      }
    }
    if (lower.matches("\\d{1,6}")) {
      int index = Integer.parseInt(lower);
      if (index < stages.size()) {
        return Optional.of(stages.get(index));
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the stage a build with {@code target} produces: the named stage, or the last stage when
   * {@code target} is null.
   *
   * @throws BuildInputException naming the target and the stages there are when no stage has that
   *     name
   */
  public Stage targetStage(String target) {
    if (target == null || target.isEmpty()) {
      return stages.get(stages.size() - 1);
    }
    return stages.stream()
        .filter(s -> target.toLowerCase(Locale.ROOT).equals(s.name()))
        .findFirst()
        .orElseThrow(
            () ->
                new BuildInputException(
                    fileName,
                    0,
                    "build target '"
                        + target
                        + "' names no stage; name one of "
                        + stages.stream().map(Stage::label).toList()
                        + " or remove the target"));
  }

  /**
   * Returns the stages a build of {@code target} needs, in file order: the target stage and every
   * stage it reaches through {@code FROM stage}, {@code COPY --from=stage} or {@code RUN
   * --mount=...,from=stage}. Stages nothing reaches are left out, as BuildKit skips them.
   *
   * @param target the target stage name, or null for the last stage
   * @throws BuildInputException when the target names no stage
   */
  public List<Stage> dependencyChain(String target) {
    return dependencyChain(target, Dockerfile::stageReferences);
  }

  /**
   * Returns the stages a build of {@code target} needs, as {@link #dependencyChain(String)} does,
   * with the references of each stage given by {@code references}, such as with variables expanded.
   */
  List<Stage> dependencyChain(String target, Function<Stage, List<String>> references) {
    Stage start = targetStage(target);
    TreeSet<Integer> needed = new TreeSet<>();
    Deque<Stage> pending = new ArrayDeque<>();
    pending.push(start);
    while (!pending.isEmpty()) {
      Stage stage = pending.pop();
      if (!needed.add(stage.index())) {
        continue;
      }
      for (String reference : references.apply(stage)) {
        stage(reference).filter(s -> s.index() < stage.index()).ifPresent(pending::push);
      }
    }
    List<Stage> chain = new ArrayList<>();
    needed.forEach(i -> chain.add(stages.get(i)));
    return chain;
  }

  /**
   * Returns the texts a stage uses to reach other stages or images: its base, {@code COPY --from}
   * values and {@code from=} values of {@code RUN --mount}, as written.
   */
  public static List<String> stageReferences(Stage stage) {
    List<String> references = new ArrayList<>();
    references.add(stage.baseImage());
    for (Instruction instruction : stage.instructions()) {
      if (instruction.is("COPY") || instruction.is("ADD")) {
        instruction.flag("from").ifPresent(references::add);
      }
      if (instruction.is("RUN")) {
        for (String mount : instruction.flags("mount")) {
          for (String part : mount.split(",")) {
            if (part.startsWith("from=")) {
              references.add(part.substring("from=".length()));
            }
          }
        }
      }
    }
    return references;
  }
}
