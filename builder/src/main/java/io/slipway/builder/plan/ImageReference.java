package io.slipway.builder.plan;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image reference as a {@code FROM} line names it, with its registry made explicit. Immutable.
 *
 * @param registry the registry host, with port when given, such as {@code 127.0.0.1:5000}
 * @param repository the repository, such as {@code acme/base}
 * @param tag the tag, or null when the reference has a digest only
 * @param digest the digest ({@code sha256:...}), or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}");

  /**
   * @throws IllegalArgumentException naming the part that is malformed
   */
  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    if (repository == null || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException(
          "repository '" + repository + "' is invalid: use lower-case path components");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("tag '" + tag + "' is invalid");
    }
    if (digest != null && !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("digest '" + digest + "' is invalid");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
  }

  /**
   * Parses {@code text}. A first path component with a dot or a colon, or {@code localhost}, is a
   * registry host, as Docker decides; otherwise the reference lives in {@code defaultRegistry}. A
   * reference with neither tag nor digest gets the tag {@code latest}.
   *
   * @throws IllegalArgumentException naming {@code text} when it is not a valid reference
   */
  public static ImageReference parse(String text, String defaultRegistry) {
    String rest = text;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String registry = defaultRegistry;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    try {
      return new ImageReference(registry, rest, tag, digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a valid image reference: " + e.getMessage(), e);
    }
  }

  /** Returns {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + (tag == null ? "" : ":" + tag)
        + (digest == null ? "" : "@" + digest);
  }
}
