package io.slipway.api.registry.token;

import io.slipway.api.error.BadRequestException;
import io.slipway.api.error.UnauthorizedException;
import io.slipway.api.identity.Authenticator;
import io.slipway.api.identity.BasicCredentials;
import io.slipway.api.identity.Identity;
import io.slipway.api.registry.RegistryGrantPolicy;
import io.slipway.registry.RegistrySettings;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.registry.reference.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The registry's token endpoint. A client that received a {@code 401} from the registry with a
 * {@code Bearer realm=".../auth/token"} challenge comes here with HTTP Basic credentials and the
 * scopes it needs, and gets a short-lived JWT for the registry.
 *
 * <p>{@code GET /auth/token?service=...&scope=...&scope=...} follows the Docker registry token
 * protocol. {@code POST /auth/token} with a form {@code grant_type=password&username=...&password=
 * ...&scope=...} follows its OAuth2 variant; OAuth2 separates scopes by spaces.
 */
@RestController
@RequestMapping("/auth/token")
public class RegistryTokenController {

  private static final Logger log = LoggerFactory.getLogger(RegistryTokenController.class);

  private static final String REPOSITORY = "repository";
  private static final String REGISTRY = "registry";

  private final Authenticator authenticator;
  private final RegistryGrantPolicy grantPolicy;
  private final RegistryTokenIssuer issuer;
  private final boolean anonymousPull;

  public RegistryTokenController(
      Authenticator authenticator,
      RegistryGrantPolicy grantPolicy,
      RegistryTokenIssuer issuer,
      RegistrySettings settings) {
    this.authenticator = authenticator;
    this.grantPolicy = grantPolicy;
    this.issuer = issuer;
    this.anonymousPull = settings.anonymousPull();
  }

  @GetMapping
  ResponseEntity<RegistryTokenResponse> token(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestParam(required = false) String service,
      HttpServletRequest request) {
    Optional<BasicCredentials> credentials =
        BasicCredentials.fromAuthorizationHeader(authorization);
    return respond(credentials, service, request);
  }

  @PostMapping(consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  ResponseEntity<RegistryTokenResponse> oauthToken(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestParam(name = "grant_type") String grantType,
      @RequestParam(required = false) String username,
      @RequestParam(required = false) String password,
      @RequestParam(required = false) String service,
      HttpServletRequest request) {
    if (!"password".equals(grantType)) {
      throw new BadRequestException(
          "UNSUPPORTED_GRANT_TYPE",
          "Grant type '"
              + grantType
              + "' is not supported: use grant_type=password with username and password");
    }

    Optional<BasicCredentials> credentials =
        username != null && password != null
            ? Optional.of(new BasicCredentials(username, password))
            : BasicCredentials.fromAuthorizationHeader(authorization);
    return respond(credentials, service, request);
  }

  private ResponseEntity<RegistryTokenResponse> respond(
      Optional<BasicCredentials> credentials, String service, HttpServletRequest request) {
    checkService(service);
    // Read from the request itself: Spring's @RequestParam binding would split one scope
    // "repository:a:pull,push" at its comma.
    List<Scope> requested = parseScopes(request.getParameterValues("scope"));
    Identity who = identify(credentials, request);

    List<Scope> grants = grantPolicy.grant(who, requested);
    RegistryTokenIssuer.IssuedToken issued = issuer.issue(who, grants);
    log.debug("Issued a registry token to '{}' granting {}", who.subject(), grants);
    return ResponseEntity.ok()
        .cacheControl(CacheControl.noStore())
        .body(RegistryTokenResponse.of(issued));
  }

  private static void checkService(String service) {
    if (service != null && !service.equals(RegistryTokenIssuer.SERVICE)) {
      throw new BadRequestException(
          "UNKNOWN_SERVICE",
          "Unknown service '"
              + service
              + "': this server issues tokens for service '"
              + RegistryTokenIssuer.SERVICE
              + "' only");
    }
  }

  /** Parses each parameter as one or more space-separated scopes. */
  private static List<Scope> parseScopes(String[] parameters) {
    List<Scope> scopes = new ArrayList<>();
    if (parameters == null) {
      return scopes;
    }
    for (String parameter : parameters) {
      for (String text : parameter.trim().split("\\s+")) {
        if (text.isEmpty()) {
          continue;
        }
        scopes.add(parseScope(text));
      }
    }
    return scopes;
  }

  /**
   * Parses one scope and checks its resource: a {@code repository} scope must name a valid
   * repository, and {@code registry} is the only other resource type. Anything else is rejected
   * rather than signed, so a token never carries a grant the registry could misread.
   */
  private static final java.util.Set<String> REPOSITORY_ACTIONS =
      java.util.Set.of("pull", "push", "delete", "*");

  /** Rejects empty or unknown actions, so that a token carries only grants the registry defines. */
  private static void checkActions(String text, Scope scope) {
    if (scope.actions().isEmpty() || !REPOSITORY_ACTIONS.containsAll(scope.actions())) {
      throw new BadRequestException(
          "INVALID_SCOPE",
          "Invalid scope '" + text + "': actions must be among pull, push, delete and *");
    }
  }

  private static Scope parseScope(String text) {
    Scope scope;
    try {
      scope = Scope.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("INVALID_SCOPE", e.getMessage());
    }

    switch (scope.type()) {
      case REPOSITORY -> {
        checkRepositoryName(text, scope.name());
        checkActions(text, scope);
      }
      case REGISTRY -> {}
      default ->
          throw new BadRequestException(
              "INVALID_SCOPE",
              "Invalid scope '"
                  + text
                  + "': unknown resource type '"
                  + scope.type()
                  + "'; use '"
                  + REPOSITORY
                  + "' or '"
                  + REGISTRY
                  + "'");
    }
    return scope;
  }

  private static void checkRepositoryName(String text, String name) {
    try {
      new RepositoryName(name);
    } catch (InvalidReferenceException e) {
      throw new BadRequestException(
          "INVALID_SCOPE", "Invalid scope '" + text + "': " + e.getMessage());
    }
  }

  private Identity identify(Optional<BasicCredentials> credentials, HttpServletRequest request) {
    if (credentials.isEmpty()) {
      if (anonymousPull) {
        return Identity.anonymous();
      }
      throw new UnauthorizedException(
          "Credentials are required: send HTTP Basic authentication with your user name and an"
              + " API token as the password (docker login does this), or a device's UUID and key");
    }

    try {
      return authenticator.authenticate(credentials.get());
    } catch (UnauthorizedException e) {
      // Only a known user name is logged: a client that swapped user and token would otherwise
      // write the token into the log.
      String username = credentials.get().username();
      log.warn(
          "Rejected registry token request for user '{}' from {}",
          Identity.ADMIN_SUBJECT.equals(username) ? username : "(unknown user)",
          request.getRemoteAddr());
      throw e;
    }
  }
}
