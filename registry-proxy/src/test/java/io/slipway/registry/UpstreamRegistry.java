package io.slipway.registry;

import io.slipway.registry.auth.Scope;
import io.slipway.testing.TestDatabase;
import org.apache.catalina.startup.Tomcat;

/**
 * A registry on loopback that plays the upstream of a mirror: it requires tokens, issues them from
 * its own realm at {@code /auth/token} to {@link #USERNAME} and {@link #PASSWORD}, and records the
 * requests it receives.
 */
final class UpstreamRegistry implements AutoCloseable {

  static final String USERNAME = "mirror-user";
  static final String PASSWORD = "mirror-secret";

  private final RegistryFixture fixture;
  private final UpstreamRequestLog requests;
  private final TokenEndpointServlet tokens;
  private boolean closed;

  private UpstreamRegistry(
      RegistryFixture fixture, UpstreamRequestLog requests, TokenEndpointServlet tokens) {
    this.fixture = fixture;
    this.requests = requests;
    this.tokens = tokens;
  }

  static UpstreamRegistry start() throws Exception {
    UpstreamRequestLog requests = new UpstreamRequestLog();
    TokenEndpointServlet[] tokens = new TokenEndpointServlet[1];
    RegistryFixture fixture =
        RegistryFixture.start(
            TestDatabase.h2(),
            RegistryFixture.settings(RegistrySettings.DEFAULT_MAX_UPLOAD_BYTES, false),
            (context, registry) -> {
              requests.install(context);
              tokens[0] = new TokenEndpointServlet(registry, USERNAME, PASSWORD);
              Tomcat.addServlet(context, "token", tokens[0]);
              context.addServletMappingDecoded("/auth/token", "token");
            });
    return new UpstreamRegistry(fixture, requests, tokens[0]);
  }

  RegistryFixture fixture() {
    return fixture;
  }

  UpstreamRequestLog requests() {
    return requests;
  }

  TokenEndpointServlet tokens() {
    return tokens;
  }

  /** Returns a client that may push to and pull from {@code repository}. */
  HttpHelper pusher(String repository) {
    return new HttpHelper(fixture.baseUri())
        .withToken(fixture.token(Scope.repository(repository, "pull", "push", "delete")));
  }

  /** Stops the registry; later calls do nothing, so a test may stop it early. */
  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    fixture.close();
  }
}
