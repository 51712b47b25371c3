package io.slipway.builder.engine.buildkit;

import io.slipway.builder.BuildInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the base images that a resolved Dockerfile names, so they can be loaded into the engine's
 * store before BuildKit runs. BuildKit on a Docker engine takes a base image from the local store
 * first. Without it there, BuildKit would contact the image's registry without the build's
 * credentials.
 *
 * <p>Reads only {@code FROM} lines (with {@code \} continuations and {@code --flag=value} options).
 * Every {@code FROM} must name an earlier stage, {@code scratch}, or an image pinned by digest.
 */
final class BaseImages {

  private static final Pattern PINNED =
      Pattern.compile("[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}");

  private BaseImages() {}

  /**
   * Returns the pinned image references of {@code dockerfile}'s {@code FROM} lines, in order and
   * without repeats.
   *
   * @param file the Dockerfile's name, for error messages
   * @throws BuildInputException naming the line of a {@code FROM} that names an unpinned image
   */
  static List<String> pinned(String file, String dockerfile) {
    Set<String> images = new LinkedHashSet<>();
    Set<String> stages = new HashSet<>();
    String[] lines = dockerfile.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      StringBuilder instruction = new StringBuilder(lines[i].strip());
      while (instruction.toString().endsWith("\\") && i + 1 < lines.length) {
        instruction.setLength(instruction.length() - 1);
        instruction.append(' ').append(lines[++i].strip());
      }
      String[] words = instruction.toString().split("\\s+");
      if (!words[0].equalsIgnoreCase("FROM")) {
        continue;
      }
      int at = 1;
      while (at < words.length && words[at].startsWith("--")) {
        at++;
      }
      if (at >= words.length) {
        throw new BuildInputException(file, lineNumber, "FROM names no image");
      }
      String image = words[at];
      if (at + 2 < words.length && words[at + 1].equalsIgnoreCase("AS")) {
        stages.add(words[at + 2].toLowerCase(Locale.ROOT));
      }
      if (image.equalsIgnoreCase("scratch") || stages.contains(image.toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (!PINNED.matcher(image).matches()) {
        throw new BuildInputException(
            file,
            lineNumber,
            "FROM "
                + image
                + " is not pinned: the BuildKit engine builds only from REGISTRY/REPOSITORY@sha256:"
                + " references, which the build pipeline writes when it resolves the Dockerfile");
      }
      images.add(image);
    }
    return new ArrayList<>(images);
  }
}
