package io.slipway.builder.plan;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.Flag;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.Stage;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageReference;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the {@code FROM} lines (and {@code COPY --from} images) of one Dockerfile to pinned
 * per-platform references, keeping every line number. Each instance rewrites one text once; not
 * thread-safe.
 */
final class BasePinning {

  private static final Pattern DIRECTIVE = Pattern.compile("\\s*#\\s*([A-Za-z]+)\\s*=.*");
  private static final Pattern PINNED = Pattern.compile("[^@\\s]+/[^@\\s]+@sha256:[0-9a-f]{64}");

  /** One question to the resolver: a fully qualified reference for a platform. */
  record Lookup(String reference, Platform platform) {}

  private final String registry;
  private final Dockerfile dockerfile;
  private final VariableScope scope;
  private final Platform target;
  private final Function<Lookup, Optional<String>> resolver;
  private final String[] lines;

  BasePinning(
      String registry,
      Dockerfile dockerfile,
      String text,
      VariableScope scope,
      Platform target,
      Function<Lookup, Optional<String>> resolver) {
    this.registry = registry;
    this.dockerfile = dockerfile;
    this.scope = scope;
    this.target = target;
    this.resolver = resolver;
    this.lines = text.split("\n", -1);
  }

  /**
   * Returns the Dockerfile text with bases pinned, recording each written reference and its pin in
   * {@code pins}.
   *
   * @param chain the stages the build needs: a missing base among them is an error
   * @param targetStage the stage built; stages after it are left alone
   * @throws BuildInputException naming the file, the FROM line and the platform when a needed base
   *     image does not exist for its platform, or a reference is malformed
   */
  String rewrite(List<Stage> chain, Stage targetStage, Map<String, String> pins) {
    dropSyntaxDirective();
    for (Stage stage : dockerfile.stages()) {
      if (stage.index() > targetStage.index()) {
        break;
      }
      boolean needed = chain.contains(stage);
      pinFrom(stage, needed, pins);
      if (needed) {
        pinCopyFrom(stage, pins);
      }
    }
    return String.join("\n", lines);
  }

  /**
   * Empties a {@code # syntax=IMAGE} parser directive, keeping the line. Otherwise BuildKit would
   * pull that frontend image from its registry, which is Docker Hub by default. Every engine here
   * uses its built-in Dockerfile frontend instead, as the classic builder and Jib do anyway.
   */
  private void dropSyntaxDirective() {
    for (int i = 0; i < lines.length; i++) {
      Matcher directive = DIRECTIVE.matcher(lines[i]);
      if (!directive.matches()) {
        return;
      }
      if (directive.group(1).equalsIgnoreCase("syntax")) {
        lines[i] = "#";
      }
    }
  }

  private void pinFrom(Stage stage, boolean needed, Map<String, String> pins) {
    String base = scope.baseImage(stage);
    if (isStageOrScratch(base, stage.index())) {
      return;
    }
    Platform platform = EngineSelection.stagePlatform(dockerfile, scope, stage, target);
    Optional<String> pin = pin(base, platform, stage.from(), needed);
    if (pin.isEmpty()) {
      return;
    }
    pins.putIfAbsent(base, pin.get());
    Instruction from = stage.from();
    StringBuilder line = new StringBuilder("FROM");
    for (Flag flag : from.flags()) {
      line.append(' ').append(flag);
    }
    line.append(' ').append(pin.get());
    if (stage.name() != null) {
      line.append(" AS ").append(stage.name());
    }
    lines[from.line() - 1] = line.toString();
    for (int number = from.line() + 1; number <= from.endLine(); number++) {
      lines[number - 1] = "";
    }
  }

  private void pinCopyFrom(Stage stage, Map<String, String> pins) {
    for (Instruction instruction : stage.instructions()) {
      if (!(instruction.is("COPY") || instruction.is("ADD"))) {
        continue;
      }
      Optional<String> written = instruction.flag("from");
      if (written.isEmpty()) {
        continue;
      }
      String image = scope.expand(instruction, written.get());
      if (isStageOrScratch(image, stage.index())) {
        continue;
      }
      String pin = pin(image, target, instruction, true).orElseThrow();
      pins.putIfAbsent(image, pin);
      String flag = "--from=" + written.get();
      String first = lines[instruction.line() - 1];
      // NOTE: a --from written on a continuation line is not rewritten; the engine then resolves
      // that image itself.
      lines[instruction.line() - 1] = first.replace(flag, "--from=" + pin);
    }
  }

  private boolean isStageOrScratch(String reference, int beforeIndex) {
    if (reference.toLowerCase(Locale.ROOT).equals("scratch")) {
      return true;
    }
    return dockerfile.stage(reference).filter(s -> s.index() < beforeIndex).isPresent();
  }

  /**
   * Returns {@code written} with the Slipway registry in front unless its first path component is a
   * registry host (it has a dot or a port, or is {@code localhost}), as Docker decides.
   */
  private String qualified(String written) {
    int slash = written.indexOf('/');
    if (slash > 0) {
      String first = written.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return written;
      }
    }
    return registry + "/" + written;
  }

  private Optional<String> pin(
      String written, Platform platform, Instruction instruction, boolean needed) {
    ImageReference reference;
    try {
      reference = ImageReference.parse(qualified(written));
    } catch (IllegalArgumentException e) {
      throw new BuildInputException(
          dockerfile.fileName(),
          instruction.line(),
          "image '"
              + written
              + "' is not a valid reference; fix the image name ("
              + e.getMessage()
              + ")");
    }
    Optional<String> pin = resolver.apply(new Lookup(reference.toString(), platform));
    if (pin.isEmpty()) {
      if (!needed) {
        return Optional.empty();
      }
      throw new BuildInputException(
          dockerfile.fileName(),
          instruction.line(),
          "base image '"
              + written
              + "' ("
              + reference
              + ") does not exist for "
              + platform
              + "; push it for that platform to the registry, or drop the device types of "
              + platform);
    }
    if (!PINNED.matcher(pin.get()).matches()) {
      throw new IllegalStateException(
          "Base image resolver returned '"
              + pin.get()
              + "' for "
              + reference
              + "; expected host/repository@sha256:<64 hex>");
    }
    return pin;
  }
}
