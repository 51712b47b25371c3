package io.slipway.api.registry.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.registry.auth.TokenVerifier;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads tokens from token endpoint responses and checks them as the registry would. */
public final class TestTokens {

  private static final Pattern TOKEN_FIELD = Pattern.compile("\"token\":\"([^\"]+)\"");

  private TestTokens() {}

  /** Returns the {@code token} field of a token endpoint response, failing when it has none. */
  public static String tokenOf(HttpResponse<String> response) {
    Matcher matcher = TOKEN_FIELD.matcher(response.body());
    assertThat(matcher.find()).as("token in %s", response.body()).isTrue();
    return matcher.group(1);
  }

  /**
   * Builds a verifier from the key file alone, as a registry in another process would, with the
   * issuer and service names spelled out rather than taken from the server's constants.
   */
  public static TokenVerifier verifierFor(Path signingKeyFile) {
    TokenSigningKey key = TokenSigningKey.loadOrGenerate(signingKeyFile);
    return new TokenVerifier(key.publicKey(), "slipway", "slipway-registry", Clock.systemUTC());
  }
}
