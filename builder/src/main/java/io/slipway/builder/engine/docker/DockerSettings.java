package io.slipway.builder.engine.docker;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Connection and naming settings of {@link DockerEngine}: the engine it uses and the names of its
 * images there. Immutable.
 *
 * @param host the engine's address: {@code unix:///var/run/docker.sock} or {@code tcp://host:port}
 *     (plain TCP; TLS client certificates are not supported)
 * @param apiVersion the engine API version to speak, such as {@code 1.41}, or null to let the
 *     engine use its own current version
 * @param connectTimeout how long to wait for a connection to the engine
 * @param buildTimeout how long one build, its push included, may take before it is abandoned
 * @param cacheRepository the engine-side repository under which the newest image of each service
 *     and platform stays tagged, so that the classic builder's layer cache survives the removal of
 *     the push tag. Tags under it stay on the engine and are never pushed.
 */
public record DockerSettings(
    URI host,
    String apiVersion,
    Duration connectTimeout,
    Duration buildTimeout,
    String cacheRepository) {

  /** The engine's default socket on Linux. */
  public static final URI DEFAULT_HOST = URI.create("unix:///var/run/docker.sock");

  /** The default engine-side cache repository. */
  public static final String DEFAULT_CACHE_REPOSITORY = "slipway-build";

  private static final Pattern API_VERSION = Pattern.compile("1\\.[0-9]{1,3}");
  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*");

  /**
   * @throws IllegalArgumentException naming the value when the host is neither {@code unix://} nor
   *     {@code tcp://}, the API version is not {@code 1.N}, a timeout is not positive or the cache
   *     repository is not a repository name
   */
  public DockerSettings {
    Objects.requireNonNull(host, "host");
    requireSupportedHost(host);
    if (apiVersion != null && !API_VERSION.matcher(apiVersion).matches()) {
      throw new IllegalArgumentException(
          "Docker API version '" + apiVersion + "' is invalid: write it as 1.N, such as 1.41");
    }
    requirePositive("connect timeout", connectTimeout);
    requirePositive("build timeout", buildTimeout);
    if (cacheRepository == null || !REPOSITORY.matcher(cacheRepository).matches()) {
      throw new IllegalArgumentException(
          "Docker cache repository '"
              + cacheRepository
              + "' is invalid: use lower-case path components such as slipway-build");
    }
  }

  /**
   * Returns settings for the engine at {@code host} with a 10 s connect timeout, a one-hour build
   * timeout, the engine's own API version and the default cache repository.
   */
  public static DockerSettings of(URI host) {
    return new DockerSettings(
        host, null, Duration.ofSeconds(10), Duration.ofHours(1), DEFAULT_CACHE_REPOSITORY);
  }

  /** Returns settings for the engine on the default local socket. */
  public static DockerSettings local() {
    return of(DEFAULT_HOST);
  }

  /** Returns a copy with another engine-side cache repository. */
  public DockerSettings withCacheRepository(String repository) {
    return new DockerSettings(host, apiVersion, connectTimeout, buildTimeout, repository);
  }

  /** Returns a copy with another build timeout. */
  public DockerSettings withBuildTimeout(Duration timeout) {
    return new DockerSettings(host, apiVersion, connectTimeout, timeout, cacheRepository);
  }

  /**
   * Returns true when the engine runs on this machine: a unix socket, or TCP to a loopback address.
   * Only then does this machine's kernel, and its binfmt_misc table, run the engine's containers.
   */
  public boolean isLocal() {
    if ("unix".equals(host.getScheme())) {
      return true;
    }
    // Decided from the text alone: resolving a configured name could ask a DNS server.
    String name = host.getHost();
    return name.equals("localhost")
        || name.startsWith("127.")
        || name.equals("[::1]")
        || name.equals("::1");
  }

  private static void requireSupportedHost(URI host) {
    String scheme = host.getScheme();
    if ("unix".equals(scheme) && host.getPath() != null && !host.getPath().isEmpty()) {
      return;
    }
    if ("tcp".equals(scheme) && host.getHost() != null && host.getPort() > 0) {
      return;
    }
    throw new IllegalArgumentException(
        "Docker host '"
            + host
            + "' is not supported: write unix:///path/to/docker.sock or tcp://host:port");
  }

  private static void requirePositive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("Docker " + what + " " + value + " must be positive");
    }
  }
}
