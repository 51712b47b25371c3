package io.slipway.systemtest.skopeo;

import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.process.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs skopeo against one registry over plain HTTP, with its own signature policy (accept anything:
 * the test images are unsigned) and an empty auth file, so nothing from the machine's containers
 * configuration leaks in. Credentials go on each command line and are masked in logs.
 */
public final class Skopeo {

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final String registryHost;
  private final Path policy;
  private final Path authFile;

  private Skopeo(String registryHost, Path policy, Path authFile) {
    this.registryHost = registryHost;
    this.policy = policy;
    this.authFile = authFile;
  }

  /** Prepares skopeo's configuration files in {@code directory}. */
  public static Skopeo forRegistry(String registryHost, Path directory) {
    try {
      Files.createDirectories(directory);
      Path policy =
          Files.writeString(
              directory.resolve("policy.json"),
              "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
      Path authFile = Files.writeString(directory.resolve("auth.json"), "{\"auths\":{}}");
      return new Skopeo(registryHost, policy, authFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write skopeo's configuration in " + directory, e);
    }
  }

  /** {@code docker://HOST/REPOSITORY:TAG} or {@code ...@DIGEST} on this registry. */
  public String reference(String repository, String tagOrDigest) {
    String separator = tagOrDigest.startsWith("sha256:") ? "@" : ":";
    return "docker://" + registryHost + "/" + repository + separator + tagOrDigest;
  }

  /** {@code skopeo copy [--all] oci:LAYOUT:TAG docker://...} with {@code password}. */
  public CommandResult push(
      Path layout, String tag, String destination, boolean all, String password) {
    ExternalCommand command = skopeo("copy");
    if (all) {
      command.arguments("--all");
    }
    return command
        .arguments("--dest-tls-verify=false")
        .secretArgument("--dest-creds=admin:" + password, password)
        .arguments("oci:" + layout + ":" + tag, destination)
        .run();
  }

  /**
   * {@code skopeo copy --all oci:LAYOUT:TAG docker://...} as {@code username}, for pushes with a
   * user's own API token rather than the administrator's.
   */
  public CommandResult pushAs(
      Path layout, String tag, String destination, String username, String password) {
    return skopeo("copy")
        .arguments("--all", "--dest-tls-verify=false")
        .secretArgument("--dest-creds=" + username + ":" + password, password)
        .arguments("oci:" + layout + ":" + tag, destination)
        .run();
  }

  /** {@code skopeo copy [--all] docker://... oci:LAYOUT:TAG}. */
  CommandResult pull(String source, Path layout, String tag, boolean all, String password) {
    ExternalCommand command = skopeo("copy");
    if (all) {
      command.arguments("--all");
    }
    return command
        .arguments("--src-tls-verify=false")
        .secretArgument("--src-creds=admin:" + password, password)
        .arguments(source, "oci:" + layout + ":" + tag)
        .run();
  }

  /** {@code skopeo inspect [--raw] docker://...}. */
  public CommandResult inspect(String reference, String password, boolean raw) {
    ExternalCommand command = skopeo("inspect");
    if (raw) {
      command.arguments("--raw");
    }
    return command
        .arguments("--tls-verify=false")
        .secretArgument("--creds=admin:" + password, password)
        .arguments(reference)
        .run();
  }

  /**
   * {@code skopeo --override-arch ARCH inspect docker://...}: inspects the manifest that an index
   * names for {@code architecture}.
   */
  CommandResult inspectFor(String architecture, String reference, String password) {
    return skopeo("--override-arch", architecture, "inspect")
        .arguments("--tls-verify=false")
        .secretArgument("--creds=admin:" + password, password)
        .arguments(reference)
        .run();
  }

  /** {@code skopeo list-tags docker://HOST/REPOSITORY}. */
  CommandResult listTags(String repository, String password) {
    return skopeo("list-tags")
        .arguments("--tls-verify=false")
        .secretArgument("--creds=admin:" + password, password)
        .arguments("docker://" + registryHost + "/" + repository)
        .run();
  }

  /** {@code skopeo delete docker://...}. */
  CommandResult delete(String reference, String password) {
    return skopeo("delete")
        .arguments("--tls-verify=false")
        .secretArgument("--creds=admin:" + password, password)
        .arguments(reference)
        .run();
  }

  /** Starts a skopeo command line: global options, if any, then the subcommand. */
  private ExternalCommand skopeo(String... words) {
    return ExternalCommand.of("skopeo", "--policy", policy.toString())
        .arguments(words)
        .environment("REGISTRY_AUTH_FILE", authFile.toString())
        .timeout(TIMEOUT);
  }
}
