package io.slipway.builder.registry;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed image reference that names its registry: {@code host[:port]/repository[:tag][@digest]}.
 * Immutable.
 *
 * <p>Only references with an explicit registry host are accepted: the builder pulls base images
 * from Slipway's own registry, never from an implied Docker Hub.
 *
 * @param registry the registry as {@code host[:port]}
 * @param repository the repository path, such as {@code acme/base/busybox}
 * @param tag the tag, or null when the reference has none
 * @param digest the digest ({@code sha256:...}), or null when the reference has none
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  private static final Pattern FORM =
      Pattern.compile(
          "(?<registry>[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](?::[0-9]{1,5})?)"
              + "/(?<repository>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
              + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
              + "(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9._-]{0,127}))?"
              + "(?:@(?<digest>sha256:[0-9a-f]{64}))?");

  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (tag == null && digest == null) {
      throw new IllegalArgumentException(
          "Image reference " + registry + "/" + repository + " names neither a tag nor a digest");
    }
  }

  /**
   * Parses {@code text}; a reference without tag or digest means the tag {@code latest}.
   *
   * @throws IllegalArgumentException naming {@code text} when it is not of the form {@code
   *     host[:port]/repository[:tag][@sha256:...]}
   */
  public static ImageReference parse(String text) {
    Matcher matcher = text == null ? null : FORM.matcher(text);
    if (matcher == null || !matcher.matches() || !looksLikeHost(matcher.group("registry"))) {
      throw new IllegalArgumentException(
          "Image reference '"
              + text
              + "' is not of the form host[:port]/repository[:tag][@sha256:<64 hex>], such as"
              + " 127.0.0.1:5000/acme/base:1.0");
    }
    String tag = matcher.group("tag");
    String digest = matcher.group("digest");
    return new ImageReference(
        matcher.group("registry"),
        matcher.group("repository"),
        tag == null && digest == null ? "latest" : tag,
        digest);
  }

  /**
   * Returns true when the first component is a host: it contains a dot or a port, or is localhost.
   */
  private static boolean looksLikeHost(String registry) {
    return registry.contains(".")
        || registry.contains(":")
        || registry.equals("localhost")
        || registry.startsWith("[");
  }

  /** Returns the digest when there is one, else the tag: what a manifest request names. */
  public String reference() {
    return digest != null ? digest : tag;
  }

  /** Returns {@code registry/repository@digest} for another digest. */
  public String pinned(String manifestDigest) {
    return registry + "/" + repository + "@" + manifestDigest;
  }

  /** Returns the reference in its usual text form. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      text.append(':').append(tag);
    }
    if (digest != null) {
      text.append('@').append(digest);
    }
    return text.toString();
  }
}
