package io.slipway.builder.engine.jib;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Heredoc;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.dockerfile.WordExpander;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@code COPY} or {@code ADD} with its variables expanded: sources, destination, and the {@code
 * --from}, {@code --chown} and {@code --chmod} options. Immutable.
 *
 * @param instruction the instruction as written, for its keyword and line
 * @param sources the source paths or here-document markers ({@code <<EOF}), in written order
 * @param destination the destination, absolute or relative to the working directory
 * @param from the {@code --from} stage or image, or null for the build context
 * @param ownership the ownership as {@code uid:gid} numbers, or null for root
 * @param mode the {@code --chmod} permission bits, or -1 to keep the sources' own
 */
record CopySpec(
    Instruction instruction,
    List<String> sources,
    String destination,
    String from,
    String ownership,
    int mode) {

  CopySpec {
    sources = List.copyOf(sources);
  }

  /**
   * Reads {@code instruction} with the variables of {@code scope}.
   *
   * @throws BuildInputException naming the line when the instruction has no destination, a remote
   *     source, an {@code --chown} with user or group names, or an invalid {@code --chmod}
   */
  static CopySpec of(Instruction instruction, VariableScope scope, String file, char escape) {
    List<String> words = new ArrayList<>();
    if (instruction.isExecForm()) {
      instruction.execForm().forEach(word -> words.add(scope.expand(instruction, word)));
    } else {
      for (String word : WordExpander.split(instruction.arguments(), escape)) {
        words.add(word.startsWith("<<") ? word : scope.expand(instruction, word));
      }
    }
    if (words.size() < 2) {
      throw new BuildInputException(
          file,
          instruction.line(),
          instruction.keyword() + " needs at least one source and a destination");
    }
    rejectUnsupportedFlags(instruction, file);
    List<String> sources = words.subList(0, words.size() - 1);
    for (String source : sources) {
      rejectRemote(instruction, source, file);
    }
    String from =
        instruction.flag("from").map(value -> scope.expand(instruction, value)).orElse(null);
    String chown =
        instruction.flag("chown").map(value -> scope.expand(instruction, value)).orElse(null);
    String chmod =
        instruction.flag("chmod").map(value -> scope.expand(instruction, value)).orElse(null);
    return new CopySpec(
        instruction,
        sources,
        words.get(words.size() - 1),
        from,
        ownership(chown, instruction, file),
        mode(chmod, instruction, file));
  }

  /** Returns true for {@code ADD}, which also unpacks local archives. */
  boolean isAdd() {
    return instruction.is("ADD");
  }

  /** Returns the here-document a source marker such as {@code <<EOF} names, if it is one. */
  Optional<Heredoc> heredoc(String source) {
    if (!source.startsWith("<<")) {
      return Optional.empty();
    }
    String delimiter =
        source.substring(2).replaceFirst("^-", "").replace("\"", "").replace("'", "");
    return instruction.heredocs().stream().filter(h -> h.delimiter().equals(delimiter)).findFirst();
  }

  /** Returns true when the destination names a directory: several sources or a trailing slash. */
  boolean destinationIsDirectory() {
    return sources.size() > 1 || destination.endsWith("/") || destination.equals(".");
  }

  /** Rejects options that would change what is copied; --link changes nothing for Jib layers. */
  private static void rejectUnsupportedFlags(Instruction instruction, String file) {
    for (String flag : List.of("parents", "exclude", "checksum", "keep-git-dir")) {
      if (instruction.hasFlag(flag)) {
        throw new BuildInputException(
            file,
            instruction.line(),
            instruction.keyword()
                + " --"
                + flag
                + " is not supported by the Jib engine; remove it or build this service with the"
                + " Docker or BuildKit engine");
      }
    }
  }

  private static void rejectRemote(Instruction instruction, String source, String file) {
    String lower = source.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("git@")) {
      throw new BuildInputException(
          file,
          instruction.line(),
          instruction.keyword()
              + " of the URL "
              + source
              + " is not supported: builds may not fetch from the network, so put the file in the"
              + " build context and COPY it");
    }
  }

  /**
   * Accepts {@code uid}, {@code uid:gid} and the name {@code root}; other names would need the base
   * image's {@code /etc/passwd} and {@code /etc/group}, which this engine does not read.
   */
  private static String ownership(String chown, Instruction instruction, String file) {
    if (chown == null || chown.isEmpty()) {
      return null;
    }
    String[] parts = chown.split(":", -1);
    if (parts.length > 2) {
      throw chownError(chown, instruction, file);
    }
    String user = numeric(parts[0], chown, instruction, file);
    String group = parts.length == 2 ? numeric(parts[1], chown, instruction, file) : user;
    return user + ":" + group;
  }

  private static String numeric(String part, String chown, Instruction instruction, String file) {
    if (part.equals("root")) {
      return "0";
    }
    if (!part.matches("[0-9]{1,10}")) {
      throw chownError(chown, instruction, file);
    }
    return part;
  }

  private static BuildInputException chownError(
      String chown, Instruction instruction, String file) {
    return new BuildInputException(
        file,
        instruction.line(),
        "--chown="
            + chown
            + " is not supported by the Jib engine, which takes numeric ids only (and root): write"
            + " --chown=UID:GID such as --chown=1000:1000");
  }

  private static int mode(String chmod, Instruction instruction, String file) {
    if (chmod == null || chmod.isEmpty()) {
      return -1;
    }
    if (!chmod.matches("[0-7]{3,4}")) {
      throw new BuildInputException(
          file,
          instruction.line(),
          "--chmod=" + chmod + " is invalid for the Jib engine: write octal bits such as 0755");
    }
    int mode = Integer.parseInt(chmod, 8);
    if (mode > 0777) {
      throw new BuildInputException(
          file,
          instruction.line(),
          "--chmod="
              + chmod
              + " sets setuid, setgid or sticky bits, which Jib layers cannot record; use the"
              + " Docker or BuildKit engine, or drop the leading digit");
    }
    return mode;
  }
}
