package io.slipway.builder.registry;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The destination of an image: a registry host, a repository in it and a tag. Immutable.
 *
 * @param registry the registry as {@code host:port}, such as {@code 127.0.0.1:8080}
 * @param repository the repository, such as {@code acme/sensors/web}
 * @param tag the tag, such as {@code 1.4.0} or {@code 1.4.0-linux-arm64}
 */
public record ImageTarget(String registry, String repository, String tag) {

  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  /**
   * @throws IllegalArgumentException naming the repository or tag when it is malformed
   */
  public ImageTarget {
    Objects.requireNonNull(registry, "registry");
    if (repository == null || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException(
          "Repository '"
              + repository
              + "' is invalid: use lower-case path components such as acme/sensors/web");
    }
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "Tag '" + tag + "' is invalid: use letters, digits, '.', '_' or '-', at most 128");
    }
  }

  /** Returns the same repository with another tag. */
  public ImageTarget withTag(String otherTag) {
    return new ImageTarget(registry, repository, otherTag);
  }

  /** Returns {@code registry/repository:tag}. */
  @Override
  public String toString() {
    return registry + "/" + repository + ":" + tag;
  }

  /** Returns {@code registry/repository@digest}. */
  public String byDigest(String digest) {
    return registry + "/" + repository + "@" + digest;
  }
}
