package io.slipway.agent.update;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
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
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pull tokens of the registry's token protocol, one per repository, fetched with the device's UUID
 * and device key as HTTP Basic credentials from the realm that the registry's {@code Bearer}
 * challenge names (resolved against the registry's URL when relative). Tokens are cached until
 * shortly before they expire. Thread-safe.
 */
final class RegistryTokens {

  /**
   * Tokens are renewed this long before they expire, so a download never starts with a stale one.
   */
  private static final Duration MARGIN = Duration.ofSeconds(10);

  private static final Pattern PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http;
  private final URI registry;
  private final String basicCredentials;
  private final Clock clock;
  private final Map<String, Token> tokens = new HashMap<>();

  /** A token and where to renew it. */
  private record Token(String value, Instant expiresAt, String challenge) {}

  RegistryTokens(HttpClient http, URI registry, String deviceUuid, String deviceKey, Clock clock) {
    this.http = http;
    this.registry = registry;
    this.basicCredentials =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((deviceUuid + ":" + deviceKey).getBytes(StandardCharsets.UTF_8));
    this.clock = clock;
  }

  /**
   * Returns the {@code Authorization} value for {@code repository}, renewing an expired token, or
   * null when the registry has not asked for one.
   */
  synchronized String authorization(String repository) throws InterruptedException {
    Token token = tokens.get(repository);
    if (token == null) {
      return null;
    }
    if (clock.instant().isAfter(token.expiresAt().minus(MARGIN))) {
      token = fetch(repository, token.challenge());
    }
    return "Bearer " + token.value();
  }

  /**
   * Fetches a token for {@code repository} from the realm of a 401's challenge and returns its
   * {@code Authorization} value.
   *
   * @throws AgentException {@code PROTOCOL} when the challenge is not a Bearer challenge with a
   *     realm; {@code UNAUTHORIZED} when the realm refuses the device's credentials
   */
  synchronized String answer(String repository, String challenge) throws InterruptedException {
    return "Bearer " + fetch(repository, challenge).value();
  }

  private Token fetch(String repository, String challenge) throws InterruptedException {
    Map<String, String> parameters = parse(challenge);
    String realm = parameters.get("realm");
    if (realm == null || !challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new AgentException(
          AgentFailure.PROTOCOL,
          "The registry's challenge '" + challenge + "' is not a Bearer challenge with a realm");
    }

    String scope = "repository:" + repository + ":pull";
    // A relative realm is resolved against the registry, as the server may send one.
    URI uri =
        registry.resolve(
            realm
                + (realm.contains("?") ? "&" : "?")
                + "service="
                + encode(parameters.getOrDefault("service", ""))
                + "&scope="
                + encode(scope));

    HttpResponse<byte[]> response = send(uri);
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new AgentException(
          AgentFailure.UNAUTHORIZED,
          "The registry's token endpoint refused device credentials for "
              + scope
              + " with HTTP "
              + response.statusCode());
    }
    if (response.statusCode() != 200) {
      throw new AgentException(
          response.statusCode() >= 500 ? AgentFailure.SERVER_UNAVAILABLE : AgentFailure.PROTOCOL,
          "The registry's token endpoint answered HTTP " + response.statusCode() + " for " + scope);
    }

    Token token = token(response.body(), challenge);
    tokens.put(repository, token);
    return token;
  }

  private HttpResponse<byte[]> send(URI uri) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", basicCredentials)
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.SERVER_UNAVAILABLE,
          "Fetching a registry token from " + uri.getHost() + " failed: " + e,
          e);
    }
  }

  private Token token(byte[] body, String challenge) {
    JsonNode root = JSON.readTree(body);
    String value = root.path("token").asString(root.path("access_token").asString(null));
    if (value == null) {
      throw new AgentException(
          AgentFailure.PROTOCOL,
          "The registry's token response has neither token nor access_token");
    }
    // The token protocol's default lifetime is 60 seconds when the response names none.
    long seconds = root.path("expires_in").asLong(60);
    return new Token(value, clock.instant().plusSeconds(seconds), challenge);
  }

  private static Map<String, String> parse(String challenge) {
    Map<String, String> parameters = new HashMap<>();
    Matcher matcher = PARAMETER.matcher(challenge);
    while (matcher.find()) {
      parameters.put(matcher.group(1), matcher.group(2));
    }
    return parameters;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
