package io.slipway.api.oidc;

import io.slipway.api.account.session.SessionService.IssuedSession;
import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * OpenID Connect sign-in under {@code /api/v1/auth/oidc}: the list of providers, the redirect to a
 * provider, and the callback that turns the provider's response into a Slipway session. All three
 * are public because a caller without credentials uses them to get some.
 */
@RestController
public class OidcController {

  private static final int MAX_REDIRECT_LENGTH = 2048;

  private final OidcProviders providers;
  private final OidcSignIn signIn;
  private final URI publicUrl;

  public OidcController(OidcProviders providers, OidcSignIn signIn, SlipwayProperties properties) {
    this.providers = providers;
    this.signIn = signIn;
    this.publicUrl = properties.registry().publicUrl();
  }

  /**
   * A provider users may sign in with.
   *
   * @param id the provider's id in the sign-in URLs
   * @param displayName the name to show
   * @param authorizeUrl the path that starts a sign-in with it
   */
  public record ProviderView(String id, String displayName, String authorizeUrl) {}

  /**
   * The session a sign-in opened.
   *
   * @param token the session token ({@code sls_...}), shown this once
   * @param expiresAt when it expires, milliseconds since the epoch
   */
  public record SessionView(String token, long expiresAt) {

    @Override
    public String toString() {
      return "SessionView[token=****, expiresAt=" + expiresAt + "]";
    }
  }

  /** Lists the configured providers, sorted by id; public. */
  @GetMapping("/api/v1/auth/oidc/providers")
  public List<ProviderView> providers() {
    return providers.configured().entrySet().stream()
        .map(
            entry ->
                new ProviderView(
                    entry.getKey(),
                    entry.getValue().displayNameOr(entry.getKey()),
                    "/api/v1/auth/oidc/" + entry.getKey() + "/authorize"))
        .toList();
  }

  /**
   * Starts a sign-in by redirecting (302) to the provider's authorization endpoint. Public.
   *
   * @param redirect where the provider sends the browser back with the code and state: an absolute
   *     http or https URL registered at the provider; this server's callback by default
   */
  @GetMapping("/api/v1/auth/oidc/{provider}/authorize")
  public ResponseEntity<Void> authorize(
      @PathVariable String provider, @RequestParam(required = false) String redirect) {
    providers.settings(provider);
    URI redirectUri = redirect == null ? callbackUri(provider) : checkedRedirect(redirect);

    URI authorization = signIn.begin(provider, redirectUri);
    HttpHeaders headers = new HttpHeaders();
    headers.setLocation(authorization);
    headers.setCacheControl("no-store");
    return new ResponseEntity<>(headers, HttpStatus.FOUND);
  }

  /**
   * Completes a sign-in from the provider's response and returns a new session. Public.
   *
   * @param code the authorization code
   * @param state the state the sign-in started with
   * @param error the provider's error code when it rejected the sign-in
   * @param errorDescription the provider's explanation of {@code error}
   */
  @GetMapping("/api/v1/auth/oidc/{provider}/callback")
  public ResponseEntity<SessionView> callback(
      @PathVariable String provider,
      @RequestParam(required = false) String code,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String error,
      @RequestParam(name = "error_description", required = false) String errorDescription) {
    OidcSignIn.Completed completed =
        signIn.complete(provider, code, state, error, errorDescription);
    IssuedSession session = completed.session();
    return ResponseEntity.ok()
        .cacheControl(CacheControl.noStore())
        .body(new SessionView(session.token().value(), session.expiresAt()));
  }

  private URI callbackUri(String provider) {
    UriComponentsBuilder base =
        publicUrl == null
            ? ServletUriComponentsBuilder.fromCurrentContextPath()
            : UriComponentsBuilder.fromUri(publicUrl);
    return base.path("/api/v1/auth/oidc/{provider}/callback")
        .buildAndExpand(provider)
        .encode()
        .toUri();
  }

  private static URI checkedRedirect(String redirect) {
    URI uri;
    try {
      uri = new URI(redirect);
    } catch (URISyntaxException e) {
      throw invalidRedirect(redirect);
    }
    boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
    if (redirect.length() > MAX_REDIRECT_LENGTH
        || !http
        || uri.getHost() == null
        || uri.getFragment() != null) {
      throw invalidRedirect(redirect);
    }
    return uri;
  }

  private static ApiException invalidRedirect(String redirect) {
    String shown = redirect.length() > 100 ? redirect.substring(0, 100) + "..." : redirect;
    return new ApiException(
        ErrorCode.OIDC_INVALID_REDIRECT,
        "Invalid redirect '"
            + shown
            + "': give an absolute http or https URL without a fragment, registered as a redirect"
            + " URI at the provider, or leave it out for this server's callback");
  }
}
