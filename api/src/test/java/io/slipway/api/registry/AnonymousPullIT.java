package io.slipway.api.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.registry.token.TestTokens;
import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestServers;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

class AnonymousPullIT {

  @TempDir Path dataDirectory;

  @Test
  void anonymousClientGetsPullOnly() {
    try (ConfigurableApplicationContext server =
        TestServers.start(
            TestDatabase.h2(), dataDirectory, "--slipway.registry.anonymous-pull=true")) {
      HttpTestClient http = new HttpTestClient(TestServers.port(server));

      HttpResponse<String> response =
          http.get(
              "/auth/token?service=slipway-registry&scope="
                  + HttpTestClient.encode("repository:acme/app:pull,push")
                  + "&scope="
                  + HttpTestClient.encode("registry:catalog:*"));

      assertThat(response.statusCode()).isEqualTo(200);
      TokenVerifier verifier =
          TestTokens.verifierFor(dataDirectory.resolve("keys/registry-token-signing.pem"));
      assertThat(verifier.verify(TestTokens.tokenOf(response)).grants())
          .containsExactly(Scope.repository("acme/app", "pull"));
    }
  }
}
