package io.slipway.systemtest.push;

import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.process.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A work tree driven with Debian's {@code git}, as a developer uses it: commits, a remote named
 * {@code slipway} and pushes over HTTP. The token reaches git through a credential helper that
 * reads it from the environment, so it never appears on a command line or in a URL. Git's own
 * configuration lives in a private {@code HOME}, untouched by the machine's. Not thread-safe.
 */
final class GitRepository {

  private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(10);
  private static final String CREDENTIAL_HELPER =
      "!f() { echo username=developer; echo \"password=$SLIPWAY_TOKEN\"; }; f";

  private final Path workTree;
  private final Path home;
  private final String token;

  private GitRepository(Path workTree, Path home, String token) {
    this.workTree = workTree;
    this.home = home;
    this.token = token;
  }

  /** Turns {@code workTree} into a repository on branch {@code main} with one commit of it all. */
  static GitRepository init(Path workTree, Path home, String token) {
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create git's HOME " + home, e);
    }
    GitRepository repository = new GitRepository(workTree, home, token);
    repository.git("init", "-q", "-b", "main").assertSucceeded();
    repository.git("config", "user.name", "Slipway Test").assertSucceeded();
    repository.git("config", "user.email", "test@slipway.invalid").assertSucceeded();
    repository.commitAll("First version");
    return repository;
  }

  void addRemote(String url) {
    git("remote", "add", "slipway", url).assertSucceeded();
  }

  /** Stages every change and commits it; returns the new commit's full id. */
  String commitAll(String message) {
    git("add", "-A").assertSucceeded();
    git("commit", "-q", "-m", message).assertSucceeded();
    return head();
  }

  String head() {
    return git("rev-parse", "HEAD").assertSucceeded().stdout().strip();
  }

  /** {@code git push slipway ARGS...}; git writes the remote's messages to standard error. */
  CommandResult push(String... arguments) {
    String[] command = new String[arguments.length + 1];
    command[0] = "push";
    System.arraycopy(arguments, 0, command, 1, arguments.length);
    return gitCommand(command).timeout(PUSH_TIMEOUT).run();
  }

  /** Returns the commit the remote's {@code ref} points at, or an empty string when it has none. */
  String remoteRef(String ref) {
    String line = git("ls-remote", "slipway", ref).assertSucceeded().stdout().strip();
    return line.isEmpty() ? "" : line.split("\\s+")[0];
  }

  CommandResult git(String... arguments) {
    return gitCommand(arguments).run();
  }

  private ExternalCommand gitCommand(String... arguments) {
    return ExternalCommand.of("git", "-C", workTree.toString())
        .arguments("-c", "credential.helper=", "-c", "credential.helper=" + CREDENTIAL_HELPER)
        .arguments(arguments)
        .environment("HOME", home.toString())
        .environment("XDG_CONFIG_HOME", home.resolve(".config").toString())
        .environment("GIT_CONFIG_NOSYSTEM", "1")
        .environment("GIT_TERMINAL_PROMPT", "0")
        .environment("SLIPWAY_TOKEN", token);
  }
}
