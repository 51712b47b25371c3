package io.slipway.api.deploy;

import io.slipway.registry.RegistrySettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Maps an image reference to the repository of this server's registry that contains it: a reference
 * to one of this server's own hosts names its repository as written. A reference to a host that a
 * mirror's upstream serves names that mirror's repository. A reference without a host means Docker
 * Hub ({@code docker.io/library/...} for a one-segment path), served only by a Docker Hub mirror.
 * Anything else is not served. Pure and immutable, so safe for concurrent use.
 */
public final class ReferenceMapper {

  /** The host names under which Docker Hub is known. */
  static final Set<String> DOCKER_HUB =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  private final Set<String> ownHosts;
  private final List<RegistrySettings.Mirror> mirrors;

  /**
   * A reference mapped into this registry.
   *
   * @param repository the repository here, such as {@code acme/sensors/web} or {@code
   *     acme/hub/library/busybox}
   * @param reference the tag or digest to read
   * @param mirror the prefix of the mirror that serves it, or null for a repository of this
   *     registry
   */
  public record Mapped(String repository, String reference, String mirror) {}

  /**
   * @param ownHosts the {@code host[:port]} forms that name this server's registry, any case
   * @param mirrors the registry's pull-through mirrors
   */
  public ReferenceMapper(Set<String> ownHosts, List<RegistrySettings.Mirror> mirrors) {
    this.ownHosts =
        Set.copyOf(ownHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList());
    this.mirrors = List.copyOf(mirrors);
  }

  /** Returns the local repository that contains {@code image}, or empty when none serves it. */
  public Optional<Mapped> map(SourceReference image) {
    if (image.host() != null && ownHosts.contains(image.host())) {
      return Optional.of(new Mapped(image.path(), image.reference(), null));
    }
    String host = image.host() == null ? "docker.io" : image.host();
    String path = image.path();
    if (DOCKER_HUB.contains(host) && path.indexOf('/') < 0) {
      path = "library/" + path;
    }
    RegistrySettings.Mirror best = null;
    for (RegistrySettings.Mirror mirror : mirrors) {
      if (serves(mirror, host, path)
          && (best == null || mirror.upstreamPrefix().length() > best.upstreamPrefix().length())) {
        best = mirror;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    String rest =
        best.upstreamPrefix().isEmpty() ? path : path.substring(best.upstreamPrefix().length() + 1);
    return Optional.of(new Mapped(best.prefix() + "/" + rest, image.reference(), best.prefix()));
  }

  /** Returns the upstream hosts of the mirrors, for messages. */
  public List<String> mirroredHosts() {
    List<String> hosts = new ArrayList<>();
    for (RegistrySettings.Mirror mirror : mirrors) {
      String host = authority(mirror.upstream());
      if (!hosts.contains(host)) {
        hosts.add(host);
      }
    }
    return hosts;
  }

  private static boolean serves(RegistrySettings.Mirror mirror, String host, String path) {
    String upstream = authority(mirror.upstream());
    boolean sameHost =
        upstream.equals(host) || (DOCKER_HUB.contains(upstream) && DOCKER_HUB.contains(host));
    if (!sameHost) {
      return false;
    }
    String prefix = mirror.upstreamPrefix();
    return prefix.isEmpty() || path.startsWith(prefix + "/");
  }

  /** Returns {@code host[:port]} of {@code uri} in lower case, without a default port. */
  static String authority(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port < 0
            || (port == 443 && "https".equalsIgnoreCase(uri.getScheme()))
            || (port == 80 && "http".equalsIgnoreCase(uri.getScheme()));
    return defaultPort ? host : host + ":" + port;
  }
}
