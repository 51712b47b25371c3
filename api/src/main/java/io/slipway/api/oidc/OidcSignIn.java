package io.slipway.api.oidc;

import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.slipway.api.account.User;
import io.slipway.api.account.session.SessionService;
import io.slipway.api.account.session.SessionService.IssuedSession;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.identity.Identity;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The OpenID Connect authorization code flow with PKCE (S256), {@code state} and {@code nonce}:
 * {@link #begin} records a sign-in and returns the provider's authorization URL; {@link #complete}
 * takes the provider's response, redeems the code, validates the ID token and opens a Slipway
 * session. Thread-safe; each state is accepted once.
 */
@Service
public class OidcSignIn {

  /** How long a started sign-in may take before its state is rejected. */
  static final Duration STATE_LIFETIME = Duration.ofMinutes(10);

  /**
   * How long an expired state is kept, so that a late or replayed callback gets the specific error
   * (expired or reused) rather than an unknown state.
   */
  static final Duration EXPIRED_STATE_KEPT = Duration.ofHours(1);

  private static final int MAX_PROVIDER_TEXT = 200;

  private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);

  private final OidcProviders providers;
  private final LoginStateRepository states;
  private final ProviderTokens tokens;
  private final OidcAccounts accounts;
  private final SessionService sessions;
  private final AuditLog audit;
  private final Clock clock;

  OidcSignIn(
      OidcProviders providers,
      LoginStateRepository states,
      ProviderTokens tokens,
      OidcAccounts accounts,
      SessionService sessions,
      AuditLog audit,
      Clock clock) {
    this.providers = providers;
    this.states = states;
    this.tokens = tokens;
    this.accounts = accounts;
    this.sessions = sessions;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * A completed sign-in.
   *
   * @param user the user signed in
   * @param session the new session; its token is shown to the client once
   */
  public record Completed(User user, IssuedSession session) {}

  /**
   * Starts a sign-in with provider {@code providerId}: stores a new state, nonce and code verifier
   * for {@link #STATE_LIFETIME} and returns the provider's authorization URL to send the browser
   * to.
   *
   * @param redirectUri where the provider sends the browser back with the code; the provider checks
   *     it against the redirect URIs registered for the client
   * @throws ApiException {@code OIDC_PROVIDER_NOT_FOUND}, {@code OIDC_PROVIDER_UNAVAILABLE}
   */
  public URI begin(String providerId, URI redirectUri) {
    DiscoveredProvider provider = providers.discover(providerId);
    long now = clock.millis();
    states.deleteExpiredBefore(now - EXPIRED_STATE_KEPT.toMillis());

    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier verifier = new CodeVerifier();
    states.insert(
        BearerSecret.sha256Hex(state.getValue()),
        new LoginState(
            providerId,
            nonce.getValue(),
            verifier.getValue(),
            redirectUri.toString(),
            now,
            now + STATE_LIFETIME.toMillis(),
            null));

    log.debug("Sign-in with OpenID provider {} started", providerId);
    return new AuthenticationRequest.Builder(
            ResponseType.CODE,
            new Scope(provider.settings().scopes().toArray(String[]::new)),
            provider.clientId(),
            redirectUri)
        .endpointURI(provider.metadata().getAuthorizationEndpointURI())
        .state(state)
        .nonce(nonce)
        .codeChallenge(verifier, CodeChallengeMethod.S256)
        .build()
        .toURI();
  }

  /**
   * Completes a sign-in from the provider's callback parameters and audits the outcome ({@code
   * user.login} with method {@code oidc}, or {@code user.login.failed}).
   *
   * @param code the authorization code, or null when the provider sent an error
   * @param state the state the provider echoed
   * @param error the provider's error code, or null
   * @param errorDescription the provider's explanation of the error, or null
   * @throws ApiException {@code OIDC_PROVIDER_NOT_FOUND}; {@code OIDC_STATE_INVALID}, {@code
   *     OIDC_STATE_EXPIRED} or {@code OIDC_STATE_REUSED} for a state that is unknown, too old or
   *     used; {@code OIDC_PROVIDER_ERROR} when the provider sent an error; {@code
   *     OIDC_TOKEN_EXCHANGE_FAILED}; {@code OIDC_ID_TOKEN_INVALID}; {@code OIDC_USER_NOT_LINKED};
   *     {@code USER_DISABLED}
   */
  public Completed complete(
      String providerId, String code, String state, String error, String errorDescription) {
    try {
      Completed completed = redeem(providerId, code, state, error, errorDescription);
      User user = completed.user();
      audit.record(
          Identity.user(
              user.id(), user.username(), user.serverAdmin(), Identity.Credential.SESSION),
          "user.login",
          "user",
          user.username(),
          null,
          Map.of("method", "oidc", "provider", providerId));
      log.info("User {} signed in with OpenID provider {}", user.username(), providerId);
      return completed;
    } catch (ApiException e) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("method", "oidc");
      // The id comes from the URL and may name no configured provider, so it is bounded.
      String provider = printable(providerId, OidcProperties.MAX_PROVIDER_ID_LENGTH);
      details.put("provider", provider);
      details.put("code", e.code());
      audit.denied(
          Identity.anonymous(), "user.login.failed", "oidc-provider", provider, null, details);
      log.info("Sign-in with OpenID provider {} failed: {}", provider, e.code());
      throw e;
    }
  }

  private Completed redeem(
      String providerId, String code, String state, String error, String errorDescription) {
    providers.settings(providerId);
    LoginState login = consume(providerId, state);
    if (error != null) {
      throw providerError(providerId, error, errorDescription);
    }
    if (code == null || code.isBlank()) {
      throw providerError(providerId, "no code", "the callback carried neither code nor error");
    }

    DiscoveredProvider provider = providers.discover(providerId);
    IDTokenClaimsSet claims = tokens.redeem(provider, code, login);
    OidcAccounts.Account account = accounts.signIn(provider, claims);
    if (account.created()) {
      User user = account.user();
      audit.record(
          Identity.user(user.id(), user.username(), false, Identity.Credential.SESSION),
          "user.created",
          "user",
          user.username(),
          null,
          Map.of("method", "oidc", "provider", providerId));
    }
    IssuedSession session = sessions.issue(account.user().id(), "oidc:" + providerId);
    return new Completed(account.user(), session);
  }

  /**
   * Looks up the state and marks it used, or rejects it when it is unknown, expired or used.
   *
   * <p>NOTE: the state is not bound to the browser that started the sign-in (no cookie), so whoever
   * presents the callback URL first gets the session. The token is only in the response body, which
   * suits API clients; a browser front end would need to bind the state.
   */
  private LoginState consume(String providerId, String state) {
    String restart = ": start again at GET /api/v1/auth/oidc/" + providerId + "/authorize";
    if (state == null || state.isBlank()) {
      throw new ApiException(
          ErrorCode.OIDC_STATE_INVALID, "The callback has no state parameter" + restart);
    }
    String stateHash = BearerSecret.sha256Hex(state);
    LoginState login =
        states
            .find(stateHash)
            .filter(found -> found.provider().equals(providerId))
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.OIDC_STATE_INVALID,
                        "The state of this callback was not issued by this server for provider '"
                            + providerId
                            + "'"
                            + restart));
    long now = clock.millis();
    if (login.usedAt() != null || !states.markUsed(stateHash, now)) {
      throw new ApiException(
          ErrorCode.OIDC_STATE_REUSED,
          "The state of this callback was used before; each sign-in works once" + restart);
    }
    if (now >= login.expiresAt()) {
      throw new ApiException(
          ErrorCode.OIDC_STATE_EXPIRED,
          "The sign-in started more than "
              + STATE_LIFETIME.toMinutes()
              + " minutes ago and has expired"
              + restart);
    }
    return login;
  }

  private static ApiException providerError(String providerId, String error, String description) {
    return new ApiException(
        ErrorCode.OIDC_PROVIDER_ERROR,
        "OpenID provider '"
            + providerId
            + "' rejected the sign-in with error '"
            + printable(error, MAX_PROVIDER_TEXT)
            + "'"
            + (description == null ? "" : " (" + printable(description, MAX_PROVIDER_TEXT) + ")")
            + ": sign in again, or ask the provider's administrator why");
  }

  /** Drops control characters from text a client or provider chose and cuts it to {@code max}. */
  private static String printable(String text, int max) {
    String clean = text.replaceAll("\\p{Cntrl}", " ");
    return clean.length() <= max ? clean : clean.substring(0, max) + "...";
  }
}
