package io.slipway.builder.dockerfile;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.platform.Platform;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The values of {@code ARG} and {@code ENV} variables throughout a Dockerfile for one build, with
 * Docker's scoping rules, and the check that every variable a build expands is defined.
 *
 * <p>Scoping, as Docker has it: {@code ARG}s before the first {@code FROM} are global and visible
 * only in {@code FROM} lines (with the automatic {@code TARGETPLATFORM}, {@code TARGETOS}, {@code
 * TARGETARCH}, {@code TARGETVARIANT}, {@code BUILDPLATFORM}, {@code BUILDOS}, {@code BUILDARCH},
 * {@code BUILDVARIANT}). Inside a stage a variable exists from its {@code ARG} or {@code ENV} on;
 * an {@code ARG NAME} without a default takes the build argument, else the global value of the same
 * name, else the automatic value. {@code ENV} wins over {@code ARG}. A stage built on another stage
 * inherits its {@code ENV}, not its {@code ARG}s. Variables are expanded in {@code FROM}, {@code
 * ADD}, {@code COPY} (and their {@code --from}, {@code --chown}, {@code --chmod}), {@code ENV},
 * {@code ARG} defaults, {@code EXPOSE}, {@code LABEL}, {@code STOPSIGNAL}, {@code USER}, {@code
 * VOLUME} and {@code WORKDIR}; never in {@code RUN}, {@code CMD} or {@code ENTRYPOINT}, which the
 * shell expands at run time.
 *
 * <p>Undefined variables: Docker silently expands them to nothing, which hides mistakes, so this
 * class rejects a plain {@code $NAME} that is not in scope: in a {@code FROM}, when no global
 * {@code ARG} declares it; in a stage, when nothing declares it and the stage descends from {@code
 * scratch} (so no base image can supply it; {@code PATH} always exists), or when it is a global
 * {@code ARG} or build argument the stage forgot to redeclare. Names an external base image may set
 * through its own {@code ENV} (such as {@code PATH}) are accepted. {@code ${NAME:-default}} and
 * {@code ${NAME:+value}} are never errors.
 *
 * <p>Immutable once built; safe to share between threads.
 */
public final class VariableScope {

  /** The arguments BuildKit defines for every build from the target and build platforms. */
  public static final Set<String> AUTOMATIC_ARGS =
      Set.of(
          "TARGETPLATFORM",
          "TARGETOS",
          "TARGETARCH",
          "TARGETVARIANT",
          "BUILDPLATFORM",
          "BUILDOS",
          "BUILDARCH",
          "BUILDVARIANT");

  private static final Set<String> EXPANDED =
      Set.of("ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");

  private final Dockerfile dockerfile;
  private final Map<String, String> buildArgs;
  private final Map<String, String> automatic;
  private final Map<String, String> global = new LinkedHashMap<>();
  private final Map<Integer, String> baseImages = new HashMap<>();
  private final Map<Integer, String> platforms = new HashMap<>();
  private final Map<Integer, Map<String, String>> environments = new HashMap<>();
  private final Map<Integer, Boolean> fromScratch = new HashMap<>();
  private final Map<Instruction, Map<String, String>> before = new HashMap<>();

  private VariableScope(Dockerfile dockerfile, Map<String, String> buildArgs, Platform target) {
    this.dockerfile = dockerfile;
    this.buildArgs = Map.copyOf(buildArgs);
    this.automatic = automaticArgs(target);
  }

  /**
   * Evaluates every variable of {@code dockerfile} for a build with {@code buildArgs} targeting
   * {@code target}.
   *
   * @throws BuildInputException naming the file, the line and the variable when a variable is
   *     undefined (see the class description), a {@code FROM} expands to nothing, or a {@code
   *     ${...}} form is not supported
   */
  public static VariableScope of(
      Dockerfile dockerfile, Map<String, String> buildArgs, Platform target) {
    Objects.requireNonNull(dockerfile, "dockerfile");
    Objects.requireNonNull(target, "target");
    VariableScope scope =
        new VariableScope(dockerfile, buildArgs == null ? Map.of() : buildArgs, target);
    scope.evaluate();
    return scope;
  }

  /** Returns the stage at {@code index} of the Dockerfile this scope evaluated. */
  public Stage dockerfileStage(int index) {
    return dockerfile.stages().get(index);
  }

  /** Returns the expanded base of {@code stage}: an image reference, a stage name or scratch. */
  public String baseImage(Stage stage) {
    return baseImages.get(stage.index());
  }

  /** Returns the expanded {@code --platform} of {@code stage}'s FROM, or null when it has none. */
  public String platform(Stage stage) {
    return platforms.get(stage.index());
  }

  /** Returns the global arguments with their values (null when declared without one). */
  public Map<String, String> globalArgs() {
    return Collections.unmodifiableMap(global);
  }

  /**
   * Returns the variables in scope just before {@code instruction} runs: {@code ARG}s and {@code
   * ENV}s of its stage (ENV winning), values null when declared without one. Variables an external
   * base image sets are not known here.
   *
   * @throws IllegalArgumentException when {@code instruction} is not one of a stage's instructions
   */
  public Map<String, String> variablesBefore(Instruction instruction) {
    Map<String, String> variables = before.get(instruction);
    if (variables == null) {
      throw new IllegalArgumentException(
          "Instruction at line " + instruction.line() + " is not in a stage of this Dockerfile");
    }
    return Collections.unmodifiableMap(variables);
  }

  /** Returns the {@code ENV} variables a stage ends with, including those inherited from stages. */
  public Map<String, String> environment(Stage stage) {
    return Collections.unmodifiableMap(environments.get(stage.index()));
  }

  /**
   * Expands {@code word} with the variables in scope before {@code instruction}; undefined names
   * expand to nothing, as Docker does.
   */
  public String expand(Instruction instruction, String word) {
    return WordExpander.expand(word, dockerfile.escape(), variablesBefore(instruction)).value();
  }

  /**
   * Returns the stages a build of {@code target} needs, like {@link Dockerfile#dependencyChain},
   * but following stage references after expanding their variables, so that {@code FROM ${BASE}}
   * and {@code COPY --from=${STAGE}} count.
   *
   * @throws BuildInputException when the target names no stage
   */
  public List<Stage> dependencyChain(String target) {
    return dockerfile.dependencyChain(target, this::expandedReferences);
  }

  private List<String> expandedReferences(Stage stage) {
    List<String> references = new ArrayList<>();
    references.add(baseImage(stage));
    for (Instruction instruction : stage.instructions()) {
      if (instruction.is("COPY") || instruction.is("ADD")) {
        instruction.flag("from").ifPresent(from -> references.add(expand(instruction, from)));
      }
    }
    Dockerfile.stageReferences(stage).stream()
        .filter(reference -> !reference.contains("$"))
        .forEach(references::add);
    return references;
  }

  private void evaluate() {
    evaluateGlobalArgs();
    for (Stage stage : dockerfile.stages()) {
      evaluateFrom(stage);
      evaluateStage(stage);
    }
  }

  private void evaluateGlobalArgs() {
    Map<String, String> visible = new LinkedHashMap<>(automatic);
    for (Instruction arg : dockerfile.globalArgs()) {
      declareArgs(arg, visible, global, Map.of(), true);
      visible.putAll(global);
    }
  }

  private void evaluateFrom(Stage stage) {
    Map<String, String> visible = new LinkedHashMap<>(automatic);
    visible.putAll(global);
    String image = expandChecked(stage.from(), stage.baseImage(), visible, true, true);
    if (image.isEmpty()) {
      throw error(
          stage.line(),
          "FROM '"
              + stage.baseImage()
              + "' expands to an empty image name; give the ARG a default or pass it as a build"
              + " argument");
    }
    baseImages.put(stage.index(), image);
    if (stage.platform() != null) {
      platforms.put(
          stage.index(), expandChecked(stage.from(), stage.platform(), visible, true, true));
    }
  }

  private void evaluateStage(Stage stage) {
    String base = baseImages.get(stage.index()).toLowerCase(Locale.ROOT);
    Map<String, String> env = new LinkedHashMap<>();
    boolean scratch = base.equals("scratch");
    Stage parent = dockerfile.stage(base).filter(s -> s.index() < stage.index()).orElse(null);
    if (parent != null) {
      env.putAll(environments.get(parent.index()));
      scratch = fromScratch.get(parent.index());
    }
    fromScratch.put(stage.index(), scratch);
    Map<String, String> args = new LinkedHashMap<>();
    for (Instruction instruction : stage.instructions()) {
      Map<String, String> visible = new LinkedHashMap<>(args);
      visible.putAll(env);
      before.put(instruction, visible);
      if (instruction.is("ARG")) {
        declareArgs(instruction, visible, args, global, scratch);
      } else if (instruction.is("ENV")) {
        env.putAll(envPairs(instruction, visible, scratch));
      } else if (EXPANDED.contains(instruction.keyword())) {
        checkInstruction(instruction, visible, scratch);
      }
    }
    environments.put(stage.index(), env);
  }

  private void checkInstruction(
      Instruction instruction, Map<String, String> visible, boolean strict) {
    for (String flag : List.of("from", "chown", "chmod")) {
      for (String value : instruction.flags(flag)) {
        expandChecked(instruction, value, visible, strict, false);
      }
    }
    expandChecked(instruction, instruction.arguments(), visible, strict, false);
  }

  private void declareArgs(
      Instruction arg,
      Map<String, String> visible,
      Map<String, String> into,
      Map<String, String> inherited,
      boolean strict) {
    for (String word : WordExpander.split(arg.arguments(), dockerfile.escape())) {
      int equals = word.indexOf('=');
      String name = equals < 0 ? word : word.substring(0, equals);
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw error(arg.line(), "ARG name '" + name + "' is invalid; use letters, digits and _");
      }
      String value;
      if (buildArgs.containsKey(name)) {
        value = buildArgs.get(name);
      } else if (equals >= 0) {
        value = expandChecked(arg, word.substring(equals + 1), visible, strict, false);
      } else if (inherited.get(name) != null) {
        value = inherited.get(name);
      } else {
        value = automatic.get(name);
      }
      into.put(name, value);
    }
  }

  private Map<String, String> envPairs(
      Instruction env, Map<String, String> visible, boolean strict) {
    Map<String, String> pairs = new LinkedHashMap<>();
    List<String> words = WordExpander.split(env.arguments(), dockerfile.escape());
    if (!words.isEmpty() && words.get(0).indexOf('=') < 0) {
      String rest = env.arguments().strip().substring(words.get(0).length()).strip();
      pairs.put(words.get(0), expandChecked(env, rest, visible, strict, false));
      return pairs;
    }
    for (String word : words) {
      int equals = word.indexOf('=');
      if (equals <= 0) {
        throw error(
            env.line(),
            "ENV '" + word + "' is not NAME=VALUE; write ENV NAME=VALUE [NAME=VALUE ...]");
      }
      pairs.put(
          word.substring(0, equals),
          expandChecked(env, word.substring(equals + 1), visible, strict, false));
    }
    return pairs;
  }

  /**
   * Expands {@code text}, failing on a name that is undefined when {@code strict}, or that is a
   * global argument or build argument this scope does not hold.
   */
  private String expandChecked(
      Instruction instruction,
      String text,
      Map<String, String> visible,
      boolean strict,
      boolean inFrom) {
    List<String> words = WordExpander.split(text, dockerfile.escape());
    List<String> expanded = new ArrayList<>();
    for (String word : words) {
      WordExpander.Expansion expansion;
      try {
        expansion = WordExpander.expand(word, dockerfile.escape(), visible);
      } catch (IllegalArgumentException unsupported) {
        throw error(instruction.line(), unsupported.getMessage());
      }
      for (String name : expansion.undefined()) {
        rejectUndefined(instruction, name, strict, inFrom);
      }
      expanded.add(expansion.value());
    }
    return String.join(" ", expanded);
  }

  private void rejectUndefined(
      Instruction instruction, String name, boolean strict, boolean inFrom) {
    if (inFrom) {
      throw error(
          instruction.line(),
          "FROM uses undefined ARG '"
              + name
              + "'; declare ARG "
              + name
              + " before the first FROM (with a default or a build argument)");
    }
    if (global.containsKey(name) || buildArgs.containsKey(name)) {
      throw error(
          instruction.line(),
          instruction.keyword()
              + " uses undefined ARG '"
              + name
              + "': it is declared before FROM or passed as a build argument, but a stage only"
              + " sees it after its own 'ARG "
              + name
              + "'; add that line to the stage");
    }
    if (strict && !name.equals("PATH")) {
      // Builders give every stage a default PATH, so even a stage from scratch has one.
      throw error(
          instruction.line(),
          instruction.keyword()
              + " uses undefined ARG '"
              + name
              + "'; declare it with ARG "
              + name
              + "=VALUE or ENV "
              + name
              + "=VALUE earlier in the stage, or write ${"
              + name
              + ":-default}");
    }
  }

  private static Map<String, String> automaticArgs(Platform target) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("TARGETPLATFORM", target.toString());
    values.put("TARGETOS", target.os());
    values.put("TARGETARCH", target.architecture());
    values.put("TARGETVARIANT", target.variant() == null ? "" : target.variant());
    Platform build = buildPlatform();
    values.put("BUILDPLATFORM", build.toString());
    values.put("BUILDOS", build.os());
    values.put("BUILDARCH", build.architecture());
    values.put("BUILDVARIANT", build.variant() == null ? "" : build.variant());
    return values;
  }

  private static Platform buildPlatform() {
    String arch = System.getProperty("os.arch", "amd64");
    return switch (arch) {
      case "aarch64", "arm64" -> Platform.LINUX_ARM64;
      case "arm" -> Platform.LINUX_ARM_V7;
      default -> Platform.LINUX_AMD64;
    };
  }

  private BuildInputException error(int line, String reason) {
    return new BuildInputException(dockerfile.fileName(), line, reason);
  }
}
