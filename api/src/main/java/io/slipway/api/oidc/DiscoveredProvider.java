package io.slipway.api.oidc;

import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

/**
 * A configured provider with its discovery document. Immutable; the validator fetches the
 * provider's signing keys on first use and again when a token names an unknown key.
 *
 * @param id the provider's id in Slipway's settings and URLs
 * @param settings its settings
 * @param metadata its discovery document
 * @param validator checks its ID tokens for this client: signature, issuer, audience, expiry and
 *     nonce
 */
record DiscoveredProvider(
    String id,
    OidcProperties.Provider settings,
    OIDCProviderMetadata metadata,
    IDTokenValidator validator) {

  Issuer issuer() {
    return metadata.getIssuer();
  }

  ClientID clientId() {
    return new ClientID(settings.clientId());
  }
}
