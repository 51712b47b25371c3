package io.slipway.registry.mirror;

import io.slipway.registry.RegistrySettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Responds to the authentication challenges of one upstream registry. A {@code Bearer} challenge is
 * met with a token from its realm, as the Docker registry token protocol specifies: the realm is
 * called with the challenge's {@code service} and {@code scope}, with HTTP basic credentials when
 * the mirror has them and anonymously otherwise. A {@code Basic} challenge is met with the mirror's
 * credentials.
 *
 * <p>Tokens are cached per upstream repository until shortly before they expire, so that later
 * requests send one at once instead of collecting a 401 first.
 *
 * <p>Credentials go to a realm only over HTTPS or on the upstream's own host, so an upstream cannot
 * send them in clear text to another host by naming it as its realm.
 *
 * <p>Safe for concurrent use. Two requests that need a token at the same moment may both fetch one.
 */
final class UpstreamAuthenticator {

  private static final Logger log = LoggerFactory.getLogger(UpstreamAuthenticator.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** Token lifetime that the token protocol specifies when the realm gives no expires_in. */
  private static final long DEFAULT_EXPIRES_IN_SECONDS = 60;

  /** Largest token response read, in bytes; real ones are a few kilobytes. */
  private static final int MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

  private final RegistrySettings.Mirror mirror;
  private final HttpClient http;
  private final Clock clock;
  private final Duration timeout;
  private final Map<String, UpstreamToken> tokens = new ConcurrentHashMap<>();
  private volatile boolean basicRequired;

  UpstreamAuthenticator(
      RegistrySettings.Mirror mirror, HttpClient http, Clock clock, Duration timeout) {
    this.mirror = mirror;
    this.http = http;
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * Returns the {@code Authorization} value to send with a request on {@code repository} before any
   * challenge: a cached, unexpired token, or basic credentials once the upstream asked for them.
   */
  Optional<String> knownAuthorization(String repository) {
    UpstreamToken token = tokens.get(repository);
    if (token != null && token.usableAt(clock.instant())) {
      return Optional.of("Bearer " + token.value());
    }
    if (basicRequired && hasCredentials()) {
      return Optional.of(basicAuthorization());
    }
    return Optional.empty();
  }

  /**
   * Returns the {@code Authorization} value that responds to the challenges of a 401 response to a
   * request on {@code repository}, fetching a new token for a {@code Bearer} challenge.
   *
   * @param challenges the values of the response's {@code WWW-Authenticate} headers
   * @throws UpstreamException with status 401 when no challenge can be met, or the token realm's
   *     status when it rejects the token request
   */
  String respond(String repository, List<String> challenges) {
    List<AuthChallenge> parsed =
        challenges.stream().flatMap(header -> AuthChallenge.parseAll(header).stream()).toList();
    Optional<AuthChallenge> bearer = parsed.stream().filter(AuthChallenge::isBearer).findFirst();
    if (bearer.isPresent()) {
      UpstreamToken token = fetchToken(repository, bearer.get());
      tokens.put(repository, token);
      return "Bearer " + token.value();
    }
    if (parsed.stream().anyMatch(AuthChallenge::isBasic) && hasCredentials()) {
      basicRequired = true;
      return basicAuthorization();
    }
    throw new UpstreamException(
        401,
        "Upstream "
            + mirror.upstream()
            + " requires authentication ("
            + String.join("; ", challenges)
            + ") for repository "
            + repository
            + "; set a username and password on mirror '"
            + mirror.prefix()
            + "'");
  }

  private UpstreamToken fetchToken(String repository, AuthChallenge challenge) {
    URI realm = realm(challenge);
    String scope = challenge.parameter("scope").orElse("repository:" + repository + ":pull");
    URI uri = tokenRequestUri(realm, challenge.parameter("service"), scope);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).GET().timeout(timeout).header("Accept", "application/json");
    if (mayReceiveCredentials(realm)) {
      request.header("Authorization", basicAuthorization());
    } else if (hasCredentials()) {
      log.warn(
          "Token realm {} of mirror '{}' is neither HTTPS nor on upstream host {}; requesting an"
              + " anonymous token instead of sending the mirror's credentials",
          realm,
          mirror.prefix(),
          mirror.upstream().getHost());
    }
    Instant requestedAt = clock.instant();
    JsonNode body = sendTokenRequest(request.build(), realm);
    UpstreamToken token = parseToken(body, realm, requestedAt);
    log.debug(
        "Fetched upstream token for scope '{}' of mirror '{}' from {}, expires at {}",
        scope,
        mirror.prefix(),
        realm,
        token.expiresAt());
    return token;
  }

  private URI realm(AuthChallenge challenge) {
    String value =
        challenge
            .parameter("realm")
            .orElseThrow(
                () ->
                    new UpstreamException(
                        401,
                        "Upstream "
                            + mirror.upstream()
                            + " sent a Bearer challenge without realm"));
    URI realm;
    try {
      realm = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new UpstreamException(
          401, "Upstream " + mirror.upstream() + " named an invalid token realm '" + value + "'");
    }
    String scheme = realm.getScheme() == null ? "" : realm.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new UpstreamException(
          401,
          "Upstream "
              + mirror.upstream()
              + " named token realm '"
              + value
              + "', which is not an http or https URL");
    }
    return realm;
  }

  private static URI tokenRequestUri(URI realm, Optional<String> service, String scope) {
    StringBuilder query = new StringBuilder();
    service.ifPresent(value -> appendParameter(query, "service", value));
    for (String single : scope.trim().split("\\s+")) {
      appendParameter(query, "scope", single);
    }
    String separator = realm.getRawQuery() == null ? "?" : "&";
    return URI.create(realm + separator + query);
  }

  private static void appendParameter(StringBuilder query, String name, String value) {
    if (query.length() > 0) {
      query.append('&');
    }
    query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private boolean mayReceiveCredentials(URI realm) {
    if (!hasCredentials()) {
      return false;
    }
    return realm.getScheme().equalsIgnoreCase("https")
        || realm.getHost() != null && realm.getHost().equalsIgnoreCase(mirror.upstream().getHost());
  }

  private JsonNode sendTokenRequest(HttpRequest request, URI realm) {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UpstreamException("Token realm " + realm + " is unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException("Interrupted while requesting a token from " + realm, e);
    }
    try (InputStream body = response.body()) {
      byte[] content = body.readNBytes(MAX_TOKEN_RESPONSE_BYTES);
      if (response.statusCode() != 200) {
        throw new UpstreamException(
            response.statusCode(),
            "Token realm "
                + realm
                + " returned "
                + response.statusCode()
                + " for mirror '"
                + mirror.prefix()
                + "'; check the mirror's username and password");
      }
      return JSON.readTree(content);
    } catch (IOException e) {
      throw new UpstreamException("Reading the token response of " + realm + " failed: " + e, e);
    } catch (JacksonException e) {
      throw new UpstreamException(
          "Token realm " + realm + " returned invalid JSON: " + e.getOriginalMessage());
    }
  }

  private UpstreamToken parseToken(JsonNode body, URI realm, Instant requestedAt) {
    String value = text(body, "token");
    if (value == null) {
      value = text(body, "access_token");
    }
    if (value == null || value.isBlank()) {
      throw new UpstreamException("Token realm " + realm + " returned no token");
    }
    JsonNode expiresIn = body == null ? null : body.get("expires_in");
    long seconds =
        expiresIn != null && expiresIn.canConvertToLong() && expiresIn.longValue() > 0
            ? expiresIn.longValue()
            : DEFAULT_EXPIRES_IN_SECONDS;
    // Stop using the token a little early, so that a request sent just before expiry does not
    // arrive with a dead token: a tenth of its lifetime, at most 30 seconds.
    long margin = Math.min(30, seconds / 10);
    return new UpstreamToken(value, requestedAt.plusSeconds(seconds - margin));
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body == null ? null : body.get(field);
    return value != null && value.isString() ? value.stringValue() : null;
  }

  private boolean hasCredentials() {
    return mirror.username() != null && mirror.password() != null;
  }

  private String basicAuthorization() {
    String pair = mirror.username() + ":" + mirror.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
