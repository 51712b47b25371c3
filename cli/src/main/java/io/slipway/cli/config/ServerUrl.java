package io.slipway.cli.config;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Checks a server base URL such as {@code http://127.0.0.1:8080}. Stateless. */
public final class ServerUrl {

  private ServerUrl() {}

  /**
   * Returns {@code text} as a URI without a trailing slash.
   *
   * @param text the URL as given
   * @param source where it came from, such as {@code --server} or {@code SLIPWAY_SERVER}, for the
   *     message
   * @throws CommandFailedException with {@link ExitCode#USAGE} when it is not an http or https URL
   *     with a host, or carries a query, a fragment or user information
   */
  public static URI parse(String text, String source) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw invalid(text, source);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean web = scheme.equals("http") || scheme.equals("https");
    if (!web
        || uri.getHost() == null
        || uri.getQuery() != null
        || uri.getFragment() != null
        || uri.getUserInfo() != null) {
      throw invalid(text, source);
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    return URI.create(scheme + "://" + uri.getRawAuthority() + path);
  }

  private static CommandFailedException invalid(String text, String source) {
    return new CommandFailedException(
        "Server URL '"
            + text
            + "' from "
            + source
            + " is not valid; use the server's base URL, such as http://127.0.0.1:8080",
        ExitCode.USAGE);
  }
}
