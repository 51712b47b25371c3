package io.slipway.api.config;

import io.slipway.registry.RegistrySettings;
import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Container registry settings under {@code slipway.registry.*}.
 *
 * @param anonymousPull whether clients without credentials may pull (off by default)
 * @param maxUploadBytes largest blob accepted by an upload, in bytes (64 GiB by default)
 * @param publicUrl the URL clients reach this server at, such as {@code https://slipway.example};
 *     null to let each request's own host name stand for it
 * @param mirrors pull-through cache mirrors, {@code slipway.registry.mirrors[0].prefix=...}
 */
public record RegistryProperties(
    @DefaultValue("false") boolean anonymousPull,
    @DefaultValue("" + RegistrySettings.DEFAULT_MAX_UPLOAD_BYTES) long maxUploadBytes,
    URI publicUrl,
    @DefaultValue List<MirrorProperties> mirrors) {

  public RegistryProperties {
    if (maxUploadBytes <= 0) {
      throw new IllegalArgumentException(
          "slipway.registry.max-upload-bytes must be a positive number of bytes, was "
              + maxUploadBytes);
    }
    if (publicUrl != null && !isBaseUrl(publicUrl)) {
      throw new IllegalArgumentException(
          "Invalid slipway.registry.public-url '"
              + publicUrl
              + "': give an http or https URL with a host and no query, such as"
              + " https://slipway.example.org");
    }
    mirrors = List.copyOf(mirrors);
  }

  private static boolean isBaseUrl(URI url) {
    boolean httpScheme =
        "http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme());
    return httpScheme
        && url.getHost() != null
        && url.getQuery() == null
        && url.getFragment() == null;
  }

  /**
   * One pull-through cache mirror, {@code slipway.registry.mirrors[N].*}.
   *
   * @param prefix repository name prefix served from the mirror, such as {@code mirror/debian}
   * @param upstream base URL of the upstream registry
   * @param upstreamPrefix repository prefix on the upstream that replaces {@code prefix}, or null
   * @param username upstream user, or null for anonymous access
   * @param password upstream password or token, or null; {@link #toString()} masks it
   */
  public record MirrorProperties(
      String prefix, URI upstream, String upstreamPrefix, String username, String password) {

    /**
     * Converts to the registry's mirror settings.
     *
     * @throws IllegalArgumentException naming the invalid prefix or missing upstream
     */
    public RegistrySettings.Mirror toMirror() {
      if (upstream == null) {
        throw new IllegalArgumentException(
            "slipway.registry.mirrors entry with prefix '"
                + prefix
                + "' has no upstream: set its upstream to a registry URL");
      }
      return new RegistrySettings.Mirror(prefix, upstream, upstreamPrefix, username, password);
    }

    @Override
    public String toString() {
      return "MirrorProperties[prefix="
          + prefix
          + ", upstream="
          + upstream
          + ", upstreamPrefix="
          + upstreamPrefix
          + ", username="
          + username
          + ", password="
          + (password == null ? "null" : "****")
          + "]";
    }
  }
}
