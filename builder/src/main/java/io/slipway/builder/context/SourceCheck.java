package io.slipway.builder.context;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.Stage;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.dockerfile.WordExpander;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before any build, that every local source of {@code COPY} and {@code ADD} stays inside
 * the build context and exists in it: no {@code ..} step out of the context, no symbolic link on
 * the way that points outside it (or to an absolute path), and nothing missing or excluded by
 * {@code .dockerignore}. Sources taken from another stage or image ({@code --from}), here-documents
 * and {@code ADD} URLs are not local and are skipped. For a source with wildcards, the directories
 * before the first wildcard are checked. Stateless and safe for concurrent use.
 */
public final class SourceCheck {

  private static final int MAX_LINKS = 40;

  private SourceCheck() {}

  /**
   * Checks the {@code COPY} and {@code ADD} instructions of {@code stages}.
   *
   * @param dockerfile the parsed Dockerfile, for its name and escape character
   * @param scope its variables for this build, to expand sources as Docker does
   * @param stages the stages the build needs
   * @param context the build context, with {@code .dockerignore} applied
   * @throws BuildInputException naming the Dockerfile, the line, the source and the fix for the
   *     first source that is outside the context, missing or excluded
   */
  public static void check(
      Dockerfile dockerfile, VariableScope scope, List<Stage> stages, BuildContext context) {
    for (Stage stage : stages) {
      for (Instruction instruction : stage.instructions()) {
        if ((instruction.is("COPY") || instruction.is("ADD")) && !instruction.hasFlag("from")) {
          for (String source : sources(dockerfile, scope, instruction)) {
            checkSource(dockerfile, instruction, source, context);
          }
        }
      }
    }
  }

  private static List<String> sources(
      Dockerfile dockerfile, VariableScope scope, Instruction instruction) {
    List<String> words =
        instruction.isExecForm()
            ? instruction.execForm()
            : WordExpander.split(instruction.arguments(), dockerfile.escape());
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < words.size() - 1; i++) {
      String word = words.get(i);
      if (word.startsWith("<<")) {
        continue;
      }
      String source = scope.expand(instruction, word);
      if (instruction.is("ADD") && isRemote(source)) {
        continue;
      }
      sources.add(source);
    }
    return sources;
  }

  private static boolean isRemote(String source) {
    return source.contains("://") || source.startsWith("git@");
  }

  private static void checkSource(
      Dockerfile dockerfile, Instruction instruction, String source, BuildContext context) {
    String cleaned = clean(source);
    if (cleaned.equals("..") || cleaned.startsWith("../")) {
      throw error(
          dockerfile,
          instruction,
          "source '"
              + source
              + "' is outside the build context "
              + context.name()
              + "; move the file into the context or widen build.context");
    }
    boolean followedLink = checkLinks(dockerfile, instruction, source, cleaned, context);
    if (followedLink || hasWildcard(cleaned) || cleaned.equals(".")) {
      return;
    }
    if (!context.containsOrHasBelow(cleaned)) {
      boolean onDisk = Files.exists(context.root().resolve(cleaned), LinkOption.NOFOLLOW_LINKS);
      throw error(
          dockerfile,
          instruction,
          "source '"
              + source
              + (onDisk
                  ? "' is excluded by .dockerignore; remove the pattern that excludes it"
                  : "' does not exist in the build context "
                      + context.name()
                      + "; add it or fix the path"));
    }
  }

  /**
   * Walks the literal steps of {@code cleaned} on disk and rejects a link leading outside the
   * context; returns true when some step was a link.
   */
  private static boolean checkLinks(
      Dockerfile dockerfile,
      Instruction instruction,
      String source,
      String cleaned,
      BuildContext context) {
    Path root = context.root();
    Path current = root;
    boolean followed = false;
    int links = 0;
    for (String step : cleaned.split("/")) {
      if (hasWildcard(step) || step.equals(".")) {
        break;
      }
      current = current.resolve(step);
      while (Files.isSymbolicLink(current)) {
        if (++links > MAX_LINKS) {
          throw error(
              dockerfile,
              instruction,
              "source '" + source + "' runs through a link loop; fix the links");
        }
        followed = true;
        Path target = readLink(current);
        Path resolved = current.getParent().resolve(target).normalize();
        if (target.isAbsolute() || !resolved.startsWith(root)) {
          throw error(
              dockerfile,
              instruction,
              "source '"
                  + source
                  + "' goes through the symbolic link "
                  + root.relativize(current).toString().replace('\\', '/')
                  + " -> "
                  + target
                  + ", which points outside the build context "
                  + context.name()
                  + "; copy the file into the context instead of linking to it");
        }
        current = resolved;
      }
    }
    return followed;
  }

  private static Path readLink(Path link) {
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read symbolic link " + link, e);
    }
  }

  /** Cleans a source path as Docker does: relative to the context root, steps resolved. */
  private static String clean(String source) {
    String relative = source.replaceFirst("^/+", "");
    List<String> parts = new ArrayList<>();
    for (String part : relative.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
        parts.remove(parts.size() - 1);
      } else {
        parts.add(part);
      }
    }
    return parts.isEmpty() ? "." : String.join("/", parts);
  }

  private static boolean hasWildcard(String path) {
    return path.indexOf('*') >= 0 || path.indexOf('?') >= 0 || path.indexOf('[') >= 0;
  }

  private static BuildInputException error(
      Dockerfile dockerfile, Instruction instruction, String reason) {
    return new BuildInputException(
        dockerfile.fileName(), instruction.line(), instruction.keyword() + " " + reason);
  }
}
