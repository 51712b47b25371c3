package io.slipway.builder.plan;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.Flag;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.Stage;
import java.util.Map;
import java.util.Set;

/**
 * Rejects Dockerfile syntax that only BuildKit's Dockerfile frontend understands, before the Docker
 * engine's classic builder gets the file and fails halfway with a less helpful message (for {@code
 * COPY --chmod} it reports "the --chmod option requires BuildKit"). Stateless and safe for
 * concurrent use.
 *
 * <p>Checked: here-documents, the {@code COPY} and {@code ADD} options {@code --chmod}, {@code
 * --link}, {@code --parents}, {@code --exclude}, {@code --checksum} and {@code --keep-git-dir}, and
 * the {@code RUN} options {@code --mount}, {@code --network} and {@code --security}. Every stage is
 * checked, because the classic builder builds every stage up to the target, needed or not.
 */
final class ClassicBuilderSyntax {

  private static final Map<String, Set<String>> BUILDKIT_FLAGS =
      Map.of(
          "COPY", Set.of("chmod", "link", "parents", "exclude"),
          "ADD", Set.of("chmod", "link", "parents", "exclude", "checksum", "keep-git-dir"),
          "RUN", Set.of("mount", "network", "security"));

  private ClassicBuilderSyntax() {}

  /**
   * Fails when {@code dockerfile} uses syntax the classic builder lacks.
   *
   * @throws BuildInputException naming the file, the line, the syntax and the fixes
   */
  static void check(String service, Dockerfile dockerfile) {
    for (Stage stage : dockerfile.stages()) {
      for (Instruction instruction : stage.instructions()) {
        check(service, dockerfile, instruction);
      }
    }
  }

  private static void check(String service, Dockerfile dockerfile, Instruction instruction) {
    if (!instruction.heredocs().isEmpty()) {
      throw unsupported(service, dockerfile, instruction, "a here-document (<<)");
    }
    Set<String> buildkitOnly = BUILDKIT_FLAGS.getOrDefault(instruction.keyword(), Set.of());
    for (Flag flag : instruction.flags()) {
      if (buildkitOnly.contains(flag.name())) {
        throw unsupported(
            service, dockerfile, instruction, instruction.keyword() + " --" + flag.name());
      }
    }
  }

  private static BuildInputException unsupported(
      String service, Dockerfile dockerfile, Instruction instruction, String syntax) {
    return new BuildInputException(
        dockerfile.fileName(),
        instruction.line(),
        "service "
            + service
            + " uses "
            + syntax
            + ", which the Docker engine's classic builder does not support; configure"
            + " slipway.builder.buildkit.address to build it with BuildKit, or rewrite the line"
            + " without it");
  }
}
