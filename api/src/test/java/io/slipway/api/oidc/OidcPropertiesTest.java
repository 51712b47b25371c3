package io.slipway.api.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OidcPropertiesTest {

  private static OidcProperties.Provider provider(URI issuer, String clientId, String secret) {
    return new OidcProperties.Provider(issuer, clientId, secret, List.of("email"), null, false);
  }

  private static final URI ISSUER = URI.create("https://id.example.org");

  @Test
  void openidScopeIsAlwaysAsked() {
    assertThat(provider(ISSUER, "c", "s").scopes()).containsExactly("openid", "email");
  }

  @Test
  void displayNameDefaultsToId() {
    assertThat(provider(ISSUER, "c", "s").displayNameOr("corp")).isEqualTo("corp");
  }

  @Test
  void toStringMasksClientSecret() {
    assertThat(provider(ISSUER, "c", "top-secret").toString()).doesNotContain("top-secret");
  }

  @Test
  void missingIssuerIsRejectedByName() {
    assertThatThrownBy(() -> new OidcProperties(Map.of("corp", provider(null, "c", "s"))))
        .hasMessageContaining("slipway.oidc.providers.corp.issuer-uri");
  }

  @Test
  void issuerWithQueryIsRejected() {
    URI issuer = URI.create("https://id.example.org/?tenant=1");

    assertThatThrownBy(() -> new OidcProperties(Map.of("corp", provider(issuer, "c", "s"))))
        .hasMessageContaining("issuer-uri");
  }

  @Test
  void missingClientIdIsRejectedByName() {
    assertThatThrownBy(() -> new OidcProperties(Map.of("corp", provider(ISSUER, " ", "s"))))
        .hasMessageContaining("client-id");
  }

  @Test
  void missingClientSecretIsRejectedByName() {
    assertThatThrownBy(() -> new OidcProperties(Map.of("corp", provider(ISSUER, "c", null))))
        .hasMessageContaining("client-secret");
  }

  @Test
  void upperCaseProviderIdIsRejected() {
    assertThatThrownBy(() -> new OidcProperties(Map.of("Corp", provider(ISSUER, "c", "s"))))
        .hasMessageContaining("invalid id");
  }

  @Test
  void overlongProviderIdIsRejected() {
    String id = "p".repeat(OidcProperties.MAX_PROVIDER_ID_LENGTH + 1);

    assertThatThrownBy(() -> new OidcProperties(Map.of(id, provider(ISSUER, "c", "s"))))
        .hasMessageContaining("invalid id");
  }

  @Test
  void longestProviderIdIsAccepted() {
    String id = "p".repeat(OidcProperties.MAX_PROVIDER_ID_LENGTH);

    assertThat(new OidcProperties(Map.of(id, provider(ISSUER, "c", "s"))).providers())
        .containsKey(id);
  }

  @Test
  void noProvidersByDefault() {
    assertThat(new OidcProperties(Map.of()).providers()).isEmpty();
  }
}
