package io.slipway.api.deploy;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference as a developer writes it, read the way container engines read it: {@code
 * [host[:port]/]path[:tag][@sha256:digest]}. The first path segment is a host when it contains a
 * dot or a colon, is {@code localhost}, or is a bracketed IPv6 address. Otherwise the reference has
 * no host. Without tag and digest the tag is {@code latest}. Immutable.
 *
 * @param text the reference as written
 * @param host the registry host with its port, in lower case, or null when none is written
 * @param path the repository path, such as {@code acme/sensors/web}
 * @param tag the tag, or null when only a digest is written
 * @param digest the digest, or null when none is written
 */
public record SourceReference(String text, String host, String path, String tag, String digest) {

  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern FORM =
      Pattern.compile(
          "(?:(?<host>[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](?::[0-9]{1,5})?)/)?"
              + "(?<path>"
              + COMPONENT
              + "(?:/"
              + COMPONENT
              + ")*)"
              + "(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9._-]{0,127}))?"
              + "(?:@(?<digest>sha256:[0-9a-f]{64}))?");

  /** Maximum length of a reference, in characters. */
  public static final int MAX_LENGTH = 512;

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming {@code text} when it is not an image reference
   */
  public static SourceReference parse(String text) {
    if (text == null || text.isBlank() || text.length() > MAX_LENGTH) {
      throw invalid(text);
    }
    String trimmed = text.strip();
    Matcher matcher = FORM.matcher(trimmed);
    if (!matcher.matches()) {
      throw invalid(text);
    }
    String host = matcher.group("host");
    String path = matcher.group("path");
    if (host != null && !looksLikeHost(host)) {
      // "acme/web" reads as the path acme/web, not as host "acme".
      path = host + "/" + path;
      host = null;
    }
    if (host == null && !path.equals(path.toLowerCase(Locale.ROOT))) {
      throw invalid(text);
    }
    String tag = matcher.group("tag");
    String digest = matcher.group("digest");
    return new SourceReference(
        trimmed,
        host == null ? null : host.toLowerCase(Locale.ROOT),
        path,
        tag == null && digest == null ? "latest" : tag,
        digest);
  }

  /** Returns the digest when there is one, else the tag: what a manifest request names. */
  public String reference() {
    return digest != null ? digest : tag;
  }

  private static boolean looksLikeHost(String segment) {
    return segment.contains(".")
        || segment.contains(":")
        || segment.equalsIgnoreCase("localhost")
        || segment.startsWith("[");
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "Image '"
            + text
            + "' is not an image reference: write [host[:port]/]path[:tag][@sha256:<64 hex>], such"
            + " as registry.example:8080/acme/sensors/web:1.0");
  }

  @Override
  public String toString() {
    return text;
  }
}
