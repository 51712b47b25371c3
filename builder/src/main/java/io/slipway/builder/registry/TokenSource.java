package io.slipway.builder.registry;

import java.io.IOException;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client side of the Docker token dance for one registry. It remembers the registry's last
 * challenge, exchanges the basic credentials at the challenge's realm for a bearer token per set of
 * scopes, and caches each token until shortly before it expires.
 *
 * <p>Credentials go only to a realm on the registry's own host, or to a loopback realm when the
 * registry is on loopback, so a hostile challenge cannot collect them. Thread-safe.
 */
final class TokenSource {

  /** A token is dropped this long before its stated expiry, to cover clock skew and slow calls. */
  private static final Duration MARGIN = Duration.ofSeconds(10);

  /**
   * Token lifetime that the token specification assumes when a response has no {@code expires_in}.
   */
  private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final String registry;
  private final HttpClient http;
  private final RegistryCredentials credentials;
  private final Duration timeout;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private volatile Challenge challenge;

  TokenSource(
      String registry,
      HttpClient http,
      RegistryCredentials credentials,
      Duration timeout,
      Clock clock) {
    this.registry = registry;
    this.http = http;
    this.credentials = credentials;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Returns the {@code Authorization} header value for a request needing {@code scopes}, fetching a
   * token when the registry has requested one before; empty when no challenge is known yet.
   */
  Optional<String> authorization(String repository, List<String> scopes) {
    Challenge known = challenge;
    if (known == null) {
      return Optional.empty();
    }
    if (known.isBasic()) {
      return credentials == null ? Optional.empty() : Optional.of(basic());
    }
    String key = String.join(" ", scopes);
    Token cached = tokens.get(key);
    if (cached != null && cached.validAt(clock.instant())) {
      return Optional.of("Bearer " + cached.value());
    }
    Token fresh = fetch(known, repository, scopes);
    tokens.put(key, fresh);
    return Optional.of("Bearer " + fresh.value());
  }

  /**
   * Records the challenge of a 401 response and drops the cached token for {@code scopes}, which
   * the registry refused.
   *
   * @return true when a retry can carry new authorization
   */
  boolean challenged(String header, List<String> scopes) {
    Optional<Challenge> parsed = Challenge.parse(header);
    tokens.remove(String.join(" ", scopes));
    if (parsed.isEmpty()) {
      return false;
    }
    Challenge fresh = parsed.get();
    boolean usable = fresh.isBearer() || (fresh.isBasic() && credentials != null);
    if (usable) {
      challenge = fresh;
    }
    return usable;
  }

  private Token fetch(Challenge known, String repository, List<String> scopes) {
    URI realm = checkedRealm(known.realm(), repository);
    StringBuilder query = new StringBuilder();
    if (known.service() != null) {
      query.append("service=").append(encode(known.service()));
    }
    for (String scope : scopes) {
      query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(scope));
    }
    URI uri = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    if (credentials != null) {
      request.header("Authorization", basic());
    }
    HttpResponse<byte[]> response = send(request.build(), repository);
    if (response.statusCode() != 200) {
      throw new RegistryException(
          repository,
          null,
          response.statusCode(),
          "the token endpoint "
              + realm
              + " rejected "
              + (credentials == null ? "an anonymous request" : "user " + credentials.username())
              + " for "
              + String.join(" ", scopes)
              + "; check the registry credentials");
    }
    return parse(response.body(), repository);
  }

  private Token parse(byte[] body, String repository) {
    try {
      JsonNode answer = JSON.readTree(body);
      String value = answer.path("token").asString("");
      if (value.isEmpty()) {
        value = answer.path("access_token").asString("");
      }
      if (value.isEmpty()) {
        throw new RegistryException(
            repository, null, 200, "the token endpoint answered without a token");
      }
      long seconds = answer.path("expires_in").asLong(DEFAULT_LIFETIME.toSeconds());
      Instant expiry = clock.instant().plusSeconds(Math.max(seconds, 1)).minus(MARGIN);
      return new Token(value, expiry);
    } catch (JacksonException e) {
      throw new RegistryException(
          repository, null, 200, "the token endpoint answered with malformed JSON", e);
    }
  }

  /**
   * Accepts a realm on the registry's own host, or on loopback when the registry is on loopback.
   * Any other realm is rejected because it would receive the credentials.
   */
  private URI checkedRealm(String realm, String repository) {
    URI uri;
    try {
      uri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          repository, null, 401, "the token realm '" + realm + "' is not a URL");
    }
    String registryHost = RegistryClient.hostOf(registry);
    boolean sameHost = registryHost.equalsIgnoreCase(uri.getHost());
    boolean bothLoopback =
        RegistryClient.isLoopback(registryHost) && RegistryClient.isLoopback(uri.getHost());
    boolean secure = "https".equals(uri.getScheme()) || RegistryClient.isLoopback(uri.getHost());
    if (!(sameHost || bothLoopback) || !secure) {
      throw new RegistryException(
          repository,
          null,
          401,
          "the registry "
              + registry
              + " sends clients to the token realm "
              + realm
              + ", which is not on its own host or not on https; credentials are sent only to the"
              + " registry's host");
    }
    return uri;
  }

  private HttpResponse<byte[]> send(HttpRequest request, String repository) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new RegistryException(
          repository, null, 0, "the token endpoint " + request.uri() + " is unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(repository, null, 0, "interrupted while fetching a token", e);
    }
  }

  private String basic() {
    String pair = credentials.username() + ":" + credentials.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Returns how many tokens are cached; for tests. */
  int cachedTokens() {
    return (int) tokens.values().stream().filter(t -> t.validAt(clock.instant())).count();
  }

  /** A bearer token and the instant after which it is not used. Hides its value. */
  private record Token(String value, Instant expiry) {

    boolean validAt(Instant now) {
      return now.isBefore(expiry);
    }

    @Override
    public String toString() {
      return "Token[expiry=" + expiry + "]";
    }
  }

  @Override
  public String toString() {
    return "TokenSource["
        + registry
        + ", scopes "
        + tokens.keySet().stream().collect(Collectors.joining("; "))
        + "]";
  }
}
