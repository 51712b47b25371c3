package io.slipway.api.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Exchanges an authorization code at a provider's token endpoint (with HTTP Basic client
 * authentication and the PKCE code verifier) and validates the ID token it returns. Stateless and
 * thread-safe.
 */
@Component
class ProviderTokens {

  private static final Logger log = LoggerFactory.getLogger(ProviderTokens.class);

  /**
   * Exchanges {@code code} and returns the validated claims of the ID token.
   *
   * @throws ApiException {@code OIDC_TOKEN_EXCHANGE_FAILED} when the provider cannot be reached,
   *     rejects the code or responds without an ID token; {@code OIDC_ID_TOKEN_INVALID} when the ID
   *     token's signature, issuer, audience, expiry or nonce is wrong
   */
  IDTokenClaimsSet redeem(DiscoveredProvider provider, String code, LoginState state) {
    JWT idToken = exchange(provider, code, state);
    return validate(provider, idToken, state);
  }

  private JWT exchange(DiscoveredProvider provider, String code, LoginState state) {
    TokenRequest request =
        new TokenRequest.Builder(
                provider.metadata().getTokenEndpointURI(),
                new ClientSecretBasic(
                    provider.clientId(), new Secret(provider.settings().clientSecret())),
                new AuthorizationCodeGrant(
                    new AuthorizationCode(code),
                    URI.create(state.redirectUri()),
                    new CodeVerifier(state.codeVerifier())))
            .build();
    HTTPRequest http = request.toHTTPRequest();
    int timeout = (int) OidcProviders.TIMEOUT.toMillis();
    http.setConnectTimeout(timeout);
    http.setReadTimeout(timeout);
    http.setFollowRedirects(false);

    TokenResponse response;
    try {
      HTTPResponse httpResponse = http.send();
      response = OIDCTokenResponseParser.parse(httpResponse);
    } catch (IOException | ParseException e) {
      log.warn("Token request to OpenID provider {} failed: {}", provider.id(), e.getMessage());
      throw exchangeFailed(
          provider, "the token endpoint returned no usable response: " + e.getMessage());
    }
    if (!response.indicatesSuccess()) {
      ErrorObject error = response.toErrorResponse().getErrorObject();
      log.warn(
          "OpenID provider {} rejected the code: {} {}",
          provider.id(),
          error.getCode(),
          error.getDescription());
      throw exchangeFailed(
          provider,
          "it responded "
              + error.getHTTPStatusCode()
              + " "
              + error.getCode()
              + (error.getDescription() == null ? "" : " (" + error.getDescription() + ")"));
    }
    if (!(response.toSuccessResponse() instanceof OIDCTokenResponse tokens)
        || tokens.getOIDCTokens().getIDToken() == null) {
      throw exchangeFailed(
          provider, "its response has no id_token; check that openid is among the scopes");
    }
    return tokens.getOIDCTokens().getIDToken();
  }

  private static IDTokenClaimsSet validate(
      DiscoveredProvider provider, JWT idToken, LoginState state) {
    try {
      return provider.validator().validate(idToken, new Nonce(state.nonce()));
    } catch (BadJOSEException | JOSEException e) {
      log.warn("ID token from OpenID provider {} is invalid: {}", provider.id(), e.getMessage());
      throw new ApiException(
          ErrorCode.OIDC_ID_TOKEN_INVALID,
          "The ID token from OpenID provider '"
              + provider.id()
              + "' is not valid ("
              + e.getMessage()
              + "): sign in again; if it persists, check the provider's client-id and the"
              + " clocks of both servers");
    }
  }

  private static ApiException exchangeFailed(DiscoveredProvider provider, String problem) {
    return new ApiException(
        ErrorCode.OIDC_TOKEN_EXCHANGE_FAILED,
        "Exchanging the authorization code with OpenID provider '"
            + provider.id()
            + "' failed: "
            + problem
            + ". Sign in again; if it persists, check slipway.oidc.providers."
            + provider.id()
            + ".client-id and client-secret");
  }
}
