package io.slipway.api.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.io.IOException;
import java.net.MalformedURLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The configured OpenID providers, each discovered from its issuer's {@code
 * /.well-known/openid-configuration} at its first use (never at startup) and remembered for {@link
 * #METADATA_LIFETIME}. Thread-safe; two first uses at once may both fetch the document.
 */
@Component
public class OidcProviders {

  /** How long a discovery document is used before it is fetched again. */
  static final Duration METADATA_LIFETIME = Duration.ofHours(1);

  /** Connect and read timeout of every request to a provider. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Maximum size of a key set read from a provider, in bytes. */
  private static final int MAX_JWKS_BYTES = 512 * 1024;

  /** Signature algorithms accepted on ID tokens: asymmetric ones only, never {@code none}. */
  private static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS =
      Set.copyOf(
          List.of(
              JWSAlgorithm.RS256,
              JWSAlgorithm.RS384,
              JWSAlgorithm.RS512,
              JWSAlgorithm.PS256,
              JWSAlgorithm.PS384,
              JWSAlgorithm.PS512,
              JWSAlgorithm.ES256,
              JWSAlgorithm.ES384,
              JWSAlgorithm.ES512,
              JWSAlgorithm.EdDSA));

  private static final Logger log = LoggerFactory.getLogger(OidcProviders.class);

  private final Map<String, OidcProperties.Provider> configured;
  private final Clock clock;
  private final ConcurrentMap<String, Cached> discovered = new ConcurrentHashMap<>();

  private record Cached(DiscoveredProvider provider, long fetchedAt) {}

  public OidcProviders(OidcProperties properties, Clock clock) {
    this.configured = properties.providers();
    this.clock = clock;
  }

  /** Returns every configured provider by id, sorted by id. */
  public Map<String, OidcProperties.Provider> configured() {
    return configured;
  }

  /**
   * Returns the settings of provider {@code id}.
   *
   * @throws ApiException {@code OIDC_PROVIDER_NOT_FOUND} when no provider has that id
   */
  public OidcProperties.Provider settings(String id) {
    OidcProperties.Provider provider = configured.get(id);
    if (provider == null) {
      throw new ApiException(
          ErrorCode.OIDC_PROVIDER_NOT_FOUND,
          "No OpenID provider '"
              + id
              + "' is configured: use one listed by GET /api/v1/auth/oidc/providers, or configure"
              + " slipway.oidc.providers."
              + id
              + ".issuer-uri");
    }
    return provider;
  }

  /**
   * Returns provider {@code id} with its discovery document, fetching the document when it has not
   * been fetched in the last hour.
   *
   * @throws ApiException {@code OIDC_PROVIDER_NOT_FOUND} for an unknown id, {@code
   *     OIDC_PROVIDER_UNAVAILABLE} when the document cannot be fetched or is not valid
   */
  public DiscoveredProvider discover(String id) {
    OidcProperties.Provider settings = settings(id);
    long now = clock.millis();
    Cached cached = discovered.get(id);
    if (cached != null && now - cached.fetchedAt() < METADATA_LIFETIME.toMillis()) {
      return cached.provider();
    }

    DiscoveredProvider provider = fetch(id, settings);
    discovered.put(id, new Cached(provider, now));
    return provider;
  }

  private static DiscoveredProvider fetch(String id, OidcProperties.Provider settings) {
    Issuer issuer = new Issuer(settings.issuerUri());
    int timeout = (int) TIMEOUT.toMillis();
    OIDCProviderMetadata metadata;
    try {
      metadata =
          OIDCProviderMetadata.resolve(
              issuer,
              request -> {
                request.setConnectTimeout(timeout);
                request.setReadTimeout(timeout);
                request.setFollowRedirects(false);
              });
    } catch (IOException | GeneralException e) {
      log.warn("Discovery of OpenID provider {} at {} failed: {}", id, issuer, e.getMessage());
      throw unavailable(id, settings, e.getMessage());
    }
    if (metadata.getJWKSetURI() == null || metadata.getTokenEndpointURI() == null) {
      throw unavailable(id, settings, "the document names no jwks_uri or no token_endpoint");
    }

    IDTokenValidator validator = validator(id, settings, metadata);
    log.info("Discovered OpenID provider {} at {}", id, issuer);
    return new DiscoveredProvider(id, settings, metadata, validator);
  }

  private static IDTokenValidator validator(
      String id, OidcProperties.Provider settings, OIDCProviderMetadata metadata) {
    Set<JWSAlgorithm> algorithms = new HashSet<>(ACCEPTED_ALGORITHMS);
    if (metadata.getIDTokenJWSAlgs() != null) {
      algorithms.retainAll(metadata.getIDTokenJWSAlgs());
    }
    if (algorithms.isEmpty()) {
      throw unavailable(
          id,
          settings,
          "it signs ID tokens with none of the accepted algorithms " + ACCEPTED_ALGORITHMS);
    }
    int timeout = (int) TIMEOUT.toMillis();
    JWKSource<SecurityContext> keys;
    try {
      keys =
          JWKSourceBuilder.create(
                  metadata.getJWKSetURI().toURL(),
                  new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES, false))
              .build();
    } catch (MalformedURLException e) {
      throw unavailable(
          id, settings, "its jwks_uri " + metadata.getJWKSetURI() + " is not a valid URL");
    }
    return new IDTokenValidator(
        metadata.getIssuer(),
        new ClientID(settings.clientId()),
        new JWSVerificationKeySelector<>(algorithms, keys),
        null);
  }

  private static ApiException unavailable(
      String id, OidcProperties.Provider settings, String problem) {
    return new ApiException(
        ErrorCode.OIDC_PROVIDER_UNAVAILABLE,
        "OpenID provider '"
            + id
            + "' could not be discovered at "
            + settings.issuerUri()
            + "/.well-known/openid-configuration ("
            + problem
            + "): check slipway.oidc.providers."
            + id
            + ".issuer-uri and that the server can reach it");
  }
}
