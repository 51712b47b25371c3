package io.slipway.registry;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link Registry}.
 *
 * @param authRealm URL of the token endpoint that clients are sent to by {@code WWW-Authenticate}
 * @param service the service name that tokens must be issued for (their {@code aud} claim)
 * @param anonymousPull whether pulls without a token are allowed (off by default)
 * @param maxUploadBytes largest blob accepted by an upload, in bytes
 * @param maxManifestBytes largest manifest accepted, in bytes (4 MiB by the OCI distribution spec)
 * @param mirrors pull-through cache mirrors, each mapping a repository prefix to an upstream
 */
public record RegistrySettings(
    URI authRealm,
    String service,
    boolean anonymousPull,
    long maxUploadBytes,
    long maxManifestBytes,
    List<Mirror> mirrors) {

  /** 4 MiB, the manifest size limit that the OCI distribution specification lets servers set. */
  public static final long DEFAULT_MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

  /** 64 GiB. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 64L * 1024 * 1024 * 1024;

  public RegistrySettings {
    Objects.requireNonNull(authRealm, "authRealm");
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException(
          "Registry service name is blank: set one, such as 'slipway'");
    }
    if (maxUploadBytes <= 0) {
      throw new IllegalArgumentException("maxUploadBytes must be positive, was " + maxUploadBytes);
    }
    if (maxManifestBytes <= 0) {
      throw new IllegalArgumentException(
          "maxManifestBytes must be positive, was " + maxManifestBytes);
    }
    mirrors = List.copyOf(mirrors);
  }

  /**
   * A pull-through cache: repositories named {@code prefix/...} are fetched from {@code upstream}
   * on first use and then served from storage.
   *
   * @param prefix repository name prefix, such as {@code mirror/debian}
   * @param upstream base URL of the upstream registry, such as {@code http://127.0.0.1:5000}
   * @param upstreamPrefix repository prefix on the upstream that replaces {@code prefix}; empty for
   *     none
   * @param username upstream user, or null for anonymous access
   * @param password upstream password or token, or null
   */
  public record Mirror(
      String prefix, URI upstream, String upstreamPrefix, String username, String password) {

    public Mirror {
      if (prefix == null || prefix.isBlank() || prefix.endsWith("/")) {
        throw new IllegalArgumentException(
            "Invalid mirror prefix '"
                + prefix
                + "': give a repository prefix such as 'mirror/debian'");
      }
      Objects.requireNonNull(upstream, "upstream");
      upstreamPrefix = upstreamPrefix == null ? "" : upstreamPrefix;
    }

    @Override
    public String toString() {
      return "Mirror[prefix=" + prefix + ", upstream=" + upstream + ", username=" + username + "]";
    }
  }
}
