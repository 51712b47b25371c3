package io.slipway.systemtest.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A stand-in for the device's system commands: a shell script that, run as {@code SCRIPT ACTION},
 * creates the file {@code ACTION} in its directory instead of rebooting or powering off this
 * machine. The agent runs it through its {@code --reboot-command} and related options, which is the
 * hook a device replaces too.
 */
final class MarkerHook {

  private final Path directory;
  private final Path script;

  private MarkerHook(Path directory, Path script) {
    this.directory = directory;
    this.script = script;
  }

  /**
   * Writes the script into {@code directory}, whose path must hold no spaces because the agent
   * splits its command options on spaces.
   */
  static MarkerHook create(Path directory) {
    if (directory.toString().contains(" ")) {
      throw new IllegalArgumentException(
          "Directory '"
              + directory
              + "' holds a space; the agent would split the hook's path there");
    }
    Path script = directory.resolve("mark.sh");
    String text = "#!/bin/sh\nset -e\ntouch \"" + directory + "/$1\"\n";
    try {
      Files.writeString(script, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      return new MarkerHook(directory, script);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the hook script " + script, e);
    }
  }

  /** Returns the command line that marks {@code action}, for an agent option. */
  String command(String action) {
    return script + " " + action;
  }

  /** Whether the agent has run the hook for {@code action}. */
  boolean ran(String action) {
    return Files.exists(directory.resolve(action));
  }
}
