package io.slipway.registry.mirror;

import io.slipway.registry.RegistrySettings;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.registry.reference.RepositoryName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Maps local repository names to the mirrors that serve them. Repository {@code PREFIX/rest}
 * mirrors upstream repository {@code UPSTREAMPREFIX/rest}, or {@code rest} when the upstream prefix
 * is empty. The prefix itself names no repository. When prefixes nest, the longest one wins.
 *
 * <p>Immutable and safe for concurrent use.
 */
final class MirrorRoutes {

  private record Route(RegistrySettings.Mirror mirror, UpstreamClient upstream) {}

  private final List<Route> routes;

  /**
   * @param clients builds the upstream client of each mirror
   * @throws IllegalArgumentException when a prefix or upstream prefix is not a valid repository
   *     name, or two mirrors share a prefix
   */
  MirrorRoutes(
      List<RegistrySettings.Mirror> mirrors,
      Function<RegistrySettings.Mirror, UpstreamClient> clients) {
    Set<String> prefixes = new HashSet<>();
    List<Route> built = new ArrayList<>();
    for (RegistrySettings.Mirror mirror : mirrors) {
      validate(mirror);
      if (!prefixes.add(mirror.prefix())) {
        throw new IllegalArgumentException(
            "Two mirrors have the prefix '" + mirror.prefix() + "'; give each mirror its own");
      }
      built.add(new Route(mirror, clients.apply(mirror)));
    }
    built.sort(
        Comparator.comparingInt((Route route) -> route.mirror().prefix().length()).reversed());
    this.routes = List.copyOf(built);
  }

  private static void validate(RegistrySettings.Mirror mirror) {
    requireRepositoryName(mirror, "prefix", mirror.prefix());
    if (!mirror.upstreamPrefix().isEmpty()) {
      requireRepositoryName(mirror, "upstream prefix", mirror.upstreamPrefix());
    }
    String scheme = mirror.upstream().getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || mirror.upstream().getHost() == null) {
      throw new IllegalArgumentException(
          "Upstream of mirror '"
              + mirror.prefix()
              + "' is '"
              + mirror.upstream()
              + "'; give an http or https URL such as http://127.0.0.1:5000");
    }
  }

  private static void requireRepositoryName(
      RegistrySettings.Mirror mirror, String field, String value) {
    try {
      new RepositoryName(value);
    } catch (InvalidReferenceException e) {
      throw new IllegalArgumentException(
          "Mirror " + field + " '" + value + "' of " + mirror + " is invalid: " + e.getMessage(),
          e);
    }
  }

  /** Returns the mirror route of {@code repository}, or empty when no prefix covers it. */
  Optional<MirroredRepository> resolve(RepositoryName repository) {
    String name = repository.value();
    for (Route route : routes) {
      String prefix = route.mirror().prefix() + "/";
      if (name.startsWith(prefix)) {
        String rest = name.substring(prefix.length());
        String upstreamPrefix = route.mirror().upstreamPrefix();
        String upstreamName = upstreamPrefix.isEmpty() ? rest : upstreamPrefix + "/" + rest;
        return Optional.of(
            new MirroredRepository(
                repository, upstreamName, route.mirror().prefix(), route.upstream()));
      }
    }
    return Optional.empty();
  }
}
