package io.slipway.builder.plan;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.Flag;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.Stage;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rejects Dockerfile features that would let one build reach beyond its own inputs on an engine
 * that many organizations' builds share. Every engine gets the same rules, so a project does not
 * change meaning with the engine. Stateless and safe for concurrent use.
 *
 * <ul>
 *   <li>{@code RUN --mount} with {@code from=} naming anything but a stage of the same Dockerfile:
 *       the engine would resolve the name in its local image store, which contains other builds'
 *       images. A stage {@code FROM IMAGE AS name} is pinned through the registry and its access
 *       rules instead.
 *   <li>{@code RUN --mount=type=cache}: BuildKit shares cache mounts by id across every build on
 *       the engine, so one organization could read or plant another's files.
 *   <li>{@code RUN --mount=type=secret} and {@code type=ssh}: no client session provides them.
 *   <li>{@code ADD} of a URL or git repository: the build would fetch from the network of the
 *       server's host, which includes its loopback services.
 * </ul>
 */
final class SharedEngineRules {

  private static final Set<String> REJECTED_MOUNTS = Set.of("cache", "secret", "ssh");
  private static final Pattern REMOTE_SOURCE =
      Pattern.compile("(?i)^(https?://|git@|git://|ssh://).*");

  private SharedEngineRules() {}

  /**
   * Fails when {@code dockerfile} uses one of the rejected features.
   *
   * @throws BuildInputException naming the file, the line, the feature and what to write instead
   */
  static void check(String service, Dockerfile dockerfile) {
    Set<String> stages = stageNames(dockerfile);
    for (Stage stage : dockerfile.stages()) {
      for (Instruction instruction : stage.instructions()) {
        if (instruction.is("RUN")) {
          checkMounts(service, dockerfile, instruction, stages);
        } else if (instruction.is("ADD")) {
          checkAddSources(service, dockerfile, instruction);
        }
      }
    }
  }

  private static Set<String> stageNames(Dockerfile dockerfile) {
    Set<String> names = new HashSet<>();
    for (Stage stage : dockerfile.stages()) {
      names.add(String.valueOf(stage.index()));
      if (stage.name() != null) {
        names.add(stage.name().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  private static void checkMounts(
      String service, Dockerfile dockerfile, Instruction run, Set<String> stages) {
    for (Flag flag : run.flags()) {
      if (!flag.name().equals("mount") || flag.value() == null) {
        continue;
      }
      String type = option(flag.value(), "type");
      if (type != null && REJECTED_MOUNTS.contains(type.toLowerCase(Locale.ROOT))) {
        throw rejected(
            service,
            dockerfile,
            run,
            "RUN --mount=type=" + type,
            "cache, secret and ssh mounts are shared by every build on the engine or need a client"
                + " session; download what the step needs in the step itself");
      }
      String from = option(flag.value(), "from");
      if (from != null && !stages.contains(from.toLowerCase(Locale.ROOT))) {
        throw rejected(
            service,
            dockerfile,
            run,
            "RUN --mount from=" + from,
            "mount only from a stage of this Dockerfile: add 'FROM "
                + from
                + " AS name' and"
                + " mount from=name");
      }
    }
  }

  private static void checkAddSources(String service, Dockerfile dockerfile, Instruction add) {
    for (String word : add.arguments().strip().split("\\s+")) {
      if (REMOTE_SOURCE.matcher(word).matches()) {
        throw rejected(
            service,
            dockerfile,
            add,
            "ADD " + word,
            "builds may not fetch from the network; put the file into the build context and ADD"
                + " or COPY it from there");
      }
    }
  }

  /** Returns the value of {@code key} in a {@code key=value,key=value} option list, or null. */
  private static String option(String options, String key) {
    for (String part : options.split(",")) {
      int equals = part.indexOf('=');
      String name = (equals < 0 ? part : part.substring(0, equals)).strip();
      if (name.equalsIgnoreCase(key)) {
        return equals < 0 ? "" : part.substring(equals + 1).strip();
      }
    }
    return null;
  }

  private static BuildInputException rejected(
      String service, Dockerfile dockerfile, Instruction instruction, String feature, String fix) {
    return new BuildInputException(
        dockerfile.fileName(),
        instruction.line(),
        "service " + service + " uses " + feature + ", which Slipway does not allow: " + fix);
  }
}
