package io.slipway.api.oidc;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * OpenID Connect sign-in settings under {@code slipway.oidc.*}: the providers users may sign in
 * with, keyed by an id that appears in the sign-in URLs, such as {@code
 * slipway.oidc.providers.corp.issuer-uri=https://id.example.org}. The default is no providers.
 *
 * @param providers the configured providers by id
 */
@ConfigurationProperties("slipway.oidc")
public record OidcProperties(@DefaultValue Map<String, Provider> providers) {

  /**
   * Maximum provider id length, because sessions record {@code oidc:<id>} in a 32-character column.
   */
  static final int MAX_PROVIDER_ID_LENGTH = 27;

  private static final Pattern PROVIDER_ID =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0," + (MAX_PROVIDER_ID_LENGTH - 2) + "}[a-z0-9])?");

  public OidcProperties {
    for (Map.Entry<String, Provider> entry : providers.entrySet()) {
      if (!PROVIDER_ID.matcher(entry.getKey()).matches()) {
        throw new IllegalArgumentException(
            "slipway.oidc.providers."
                + entry.getKey()
                + " has an invalid id: use up to "
                + MAX_PROVIDER_ID_LENGTH
                + " lower-case letters, digits and inner hyphens");
      }
      entry.getValue().check(entry.getKey());
    }
    providers = new TreeMap<>(providers);
  }

  /**
   * One provider, {@code slipway.oidc.providers.<id>.*}.
   *
   * @param issuerUri the issuer, whose {@code /.well-known/openid-configuration} describes the
   *     provider; fetched at the first sign-in, not at startup
   * @param clientId the client id Slipway is registered with at the provider
   * @param clientSecret the client secret, sent with HTTP Basic to the token endpoint; {@link
   *     #toString()} masks it
   * @param scopes the scopes to ask for; {@code openid} is always added ({@code openid profile
   *     email} by default)
   * @param displayName the name shown to users; the id when absent
   * @param autoCreateUsers whether a first sign-in creates a Slipway user (off by default: then
   *     only provider accounts already linked to a user may sign in)
   */
  public record Provider(
      URI issuerUri,
      String clientId,
      String clientSecret,
      @DefaultValue({"openid", "profile", "email"}) List<String> scopes,
      String displayName,
      @DefaultValue("false") boolean autoCreateUsers) {

    public Provider {
      List<String> withOpenid = new ArrayList<>(scopes);
      if (!withOpenid.contains("openid")) {
        withOpenid.add(0, "openid");
      }
      scopes = List.copyOf(withOpenid);
    }

    private void check(String id) {
      String prefix = "slipway.oidc.providers." + id + ".";
      if (issuerUri == null || !isHttpUrl(issuerUri)) {
        throw new IllegalArgumentException(
            prefix
                + "issuer-uri is '"
                + issuerUri
                + "': set it to the provider's issuer URL, such as https://id.example.org");
      }
      if (clientId == null || clientId.isBlank()) {
        throw new IllegalArgumentException(
            prefix + "client-id is missing: set the client id registered at the provider");
      }
      if (clientSecret == null || clientSecret.isEmpty()) {
        throw new IllegalArgumentException(
            prefix + "client-secret is missing: set the client secret issued by the provider");
      }
    }

    /** Returns the display name, or {@code id} when none is set. */
    public String displayNameOr(String id) {
      return displayName == null || displayName.isBlank() ? id : displayName;
    }

    @Override
    public String toString() {
      return "Provider[issuerUri="
          + issuerUri
          + ", clientId="
          + clientId
          + ", clientSecret=****, scopes="
          + scopes
          + ", displayName="
          + displayName
          + ", autoCreateUsers="
          + autoCreateUsers
          + "]";
    }
  }

  private static boolean isHttpUrl(URI uri) {
    String scheme = uri.getScheme();
    return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        && uri.getHost() != null
        && uri.getQuery() == null
        && uri.getFragment() == null;
  }
}
