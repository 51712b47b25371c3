package io.slipway.api.release;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference pinned by digest in a fleet's registry repository: {@code
 * <registry-host>/<org>/<fleet>/<service>@sha256:<64 hex digits>}. A reference by tag is refused,
 * because a tag can move and a final release must name exactly one image. Immutable.
 *
 * @param registryHost host name or address of the registry, with an optional port, such as {@code
 *     slipway.example:5000} or {@code [::1]:8080}
 * @param repository the repository within the registry, {@code <org>/<fleet>/<service>}
 * @param digest the manifest digest, {@code sha256:} and 64 lower-case hex digits
 */
public record ImageReference(String registryHost, String repository, String digest) {

  private static final String HOST_NAME = "[a-zA-Z0-9](?:[a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?";
  private static final String HOST = "(?:" + HOST_NAME + "|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?";
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String DIGEST = "sha256:[0-9a-f]{64}";
  private static final Pattern FORM =
      Pattern.compile(
          "(" + HOST + ")/(" + COMPONENT + "/" + COMPONENT + "/" + COMPONENT + ")@(" + DIGEST
              + ")");

  /** Longest accepted reference, the width of the {@code release_service.image} column. */
  public static final int MAX_LENGTH = 512;

  /**
   * @throws IllegalArgumentException naming the reference when a part is malformed
   */
  public ImageReference {
    Objects.requireNonNull(registryHost, "registryHost");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    String text = registryHost + "/" + repository + "@" + digest;
    if (text.length() > MAX_LENGTH || !FORM.matcher(text).matches()) {
      throw invalid(text);
    }
  }

  /**
   * Parses {@code <registry-host>/<org>/<fleet>/<service>@sha256:<hex>}.
   *
   * @throws IllegalArgumentException naming {@code text} when it is not of that form, for example
   *     when it names a tag instead of a digest
   */
  public static ImageReference parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher matcher = FORM.matcher(text);
    if (text.length() > MAX_LENGTH || !matcher.matches()) {
      throw invalid(text);
    }
    return new ImageReference(matcher.group(1), matcher.group(2), matcher.group(3));
  }

  /**
   * Checks that this image lies in the repository of {@code service} of the fleet {@code
   * orgSlug/fleetSlug}, where a device of that fleet may pull it.
   *
   * @throws IllegalArgumentException naming the reference and the repository it must be in. The
   *     message names no registry host, because the reference's host may be another registry.
   */
  public ImageReference requireRepository(String orgSlug, String fleetSlug, String service) {
    String expected = orgSlug + "/" + fleetSlug + "/" + service;
    if (!repository.equals(expected)) {
      throw new IllegalArgumentException(
          "Image '"
              + this
              + "' of service '"
              + service
              + "' is not in the fleet's repository "
              + expected
              + ": push it to "
              + expected
              + " on this server's registry and name it by digest");
    }
    return this;
  }

  @Override
  public String toString() {
    return registryHost + "/" + repository + "@" + digest;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "Image reference '"
            + text
            + "' is invalid: write <registry-host>/<org>/<fleet>/<service>@sha256:<64 hex"
            + " digits>, which names a fleet's repository and pins the image by digest");
  }
}
