package io.slipway.registry;

import io.slipway.registry.auth.Scope;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The token realm of a test registry: for a request with the right basic credentials it issues a
 * token, signed with the registry's key, that grants every requested scope. Counts the requests it
 * serves.
 */
final class TokenEndpointServlet extends HttpServlet {

  /** Lifetime of the issued tokens, in seconds, as reported in {@code expires_in}. */
  static final int EXPIRES_IN_SECONDS = 300;

  private final transient RegistryFixture issuer;
  private final String expectedAuthorization;
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();

  TokenEndpointServlet(RegistryFixture issuer, String username, String password) {
    this.issuer = issuer;
    String pair = username + ":" + password;
    this.expectedAuthorization =
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!expectedAuthorization.equals(request.getHeader("Authorization"))) {
      rejected.incrementAndGet();
      response.setStatus(401);
      response.setContentType("application/json");
      response.getWriter().write("{\"details\":\"invalid username or password\"}");
      return;
    }
    String[] scopes = request.getParameterValues("scope");
    Scope[] granted =
        scopes == null
            ? new Scope[0]
            : Arrays.stream(scopes).map(Scope::parse).toArray(Scope[]::new);
    String token = issuer.token(granted);
    issued.incrementAndGet();
    response.setStatus(200);
    response.setContentType("application/json");
    response
        .getWriter()
        .write(
            "{\"token\":\"%s\",\"access_token\":\"%s\",\"expires_in\":%d}"
                .formatted(token, token, EXPIRES_IN_SECONDS));
  }

  /** Returns how many tokens were issued. */
  int issued() {
    return issued.get();
  }

  /** Returns how many requests were rejected for wrong or missing credentials. */
  int rejected() {
    return rejected.get();
  }
}
