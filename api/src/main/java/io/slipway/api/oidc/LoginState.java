package io.slipway.api.oidc;

import java.util.Objects;

/**
 * The server-side record of one sign-in, kept between the redirect to the provider and the
 * callback. Immutable; {@link #toString()} leaves out the nonce and the code verifier.
 *
 * @param provider the provider's id
 * @param nonce the nonce sent in the authorization request, expected back in the ID token
 * @param codeVerifier the PKCE code verifier whose S256 challenge was sent
 * @param redirectUri the redirect URI sent, which the token request must repeat
 * @param createdAt when the sign-in started, milliseconds since the epoch
 * @param expiresAt when the state stops being accepted, milliseconds since the epoch
 * @param usedAt when a callback consumed it, or null while unused
 */
record LoginState(
    String provider,
    String nonce,
    String codeVerifier,
    String redirectUri,
    long createdAt,
    long expiresAt,
    Long usedAt) {

  LoginState {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(codeVerifier, "codeVerifier");
    Objects.requireNonNull(redirectUri, "redirectUri");
  }

  @Override
  public String toString() {
    return "LoginState[provider="
        + provider
        + ", redirectUri="
        + redirectUri
        + ", createdAt="
        + createdAt
        + ", expiresAt="
        + expiresAt
        + ", usedAt="
        + usedAt
        + "]";
  }
}
