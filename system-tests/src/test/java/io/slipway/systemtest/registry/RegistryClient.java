package io.slipway.systemtest.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.image.OciMediaTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain HTTP client for the registry API that checks what the real clients did: it finds the
 * token endpoint from the {@code /v2/} challenge, as clients do, and fetches one token per
 * repository with the pull, push and delete actions.
 *
 * <p>Speaks HTTP/1.1 only: the JDK's HTTP/2 upgrade attempt does not mix with streamed request
 * bodies. Not thread-safe.
 */
public final class RegistryClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CHALLENGE_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /** Tokens live five minutes on the server; a fresh one is fetched well before that. */
  private static final Duration TOKEN_REUSE = Duration.ofMinutes(3);

  private final HttpClient http;
  private final URI baseUrl;
  private final String username;
  private final String password;
  private final Map<String, CachedToken> tokens = new HashMap<>();

  public RegistryClient(URI baseUrl, String username, String password) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.baseUrl = baseUrl;
    this.username = username;
    this.password = password;
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** Resolves a path or a {@code Location} header value against the server. */
  public URI resolve(String pathOrUrl) {
    return baseUrl.resolve(pathOrUrl);
  }

  /**
   * Returns a bearer token for {@code repository} with pull, push and delete, fetched the way a
   * client does: challenge from {@code /v2/}, then the realm with HTTP Basic credentials.
   */
  public String token(String repository) {
    CachedToken cached = tokens.get(repository);
    if (cached != null && cached.fetched().plus(TOKEN_REUSE).isAfter(Instant.now())) {
      return cached.token();
    }
    String token = fetchToken("repository:" + repository + ":pull,push,delete");
    tokens.put(repository, new CachedToken(token, Instant.now()));
    return token;
  }

  private String fetchToken(String scope) {
    Map<String, String> challenge = challenge();
    String query =
        "service="
            + URLEncoder.encode(challenge.getOrDefault("service", ""), StandardCharsets.UTF_8)
            + "&scope="
            + URLEncoder.encode(scope, StandardCharsets.UTF_8);
    String basic =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(challenge.get("realm") + "?" + query))
            .header("Authorization", "Basic " + basic)
            .GET()
            .build();
    HttpResponse<byte[]> response = send(request);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "Token endpoint returned "
              + response.statusCode()
              + " for scope "
              + scope
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    JsonNode body = json(response.body());
    String token = body.hasNonNull("token") ? body.get("token").asText() : null;
    return token != null ? token : body.path("access_token").asText();
  }

  /** Reads the {@code Bearer} challenge's parameters from an unauthenticated {@code /v2/}. */
  public Map<String, String> challenge() {
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(resolve("/v2/")).GET().build());
    String header =
        response
            .headers()
            .firstValue("WWW-Authenticate")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "/v2/ returned " + response.statusCode() + " without a challenge"));
    if (!header.startsWith("Bearer ")) {
      throw new AssertionError("/v2/ challenge is not Bearer: " + header);
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    Matcher matcher = CHALLENGE_PARAMETER.matcher(header);
    while (matcher.find()) {
      parameters.put(matcher.group(1), matcher.group(2));
    }
    return parameters;
  }

  /** {@code GET} of a manifest by tag or digest, accepting every manifest type. */
  public HttpResponse<byte[]> manifest(String repository, String reference) {
    return send(
        authorized(repository, "/v2/" + repository + "/manifests/" + reference)
            .header("Accept", OciMediaTypes.ANY_MANIFEST)
            .GET()
            .build());
  }

  /** {@code DELETE} of a manifest by digest. */
  public HttpResponse<byte[]> deleteManifest(String repository, String digest) {
    return send(
        authorized(repository, "/v2/" + repository + "/manifests/" + digest).DELETE().build());
  }

  /** {@code GET} of a small blob into memory. */
  public HttpResponse<byte[]> blob(String repository, String digest) {
    return send(authorized(repository, "/v2/" + repository + "/blobs/" + digest).GET().build());
  }

  /** {@code HEAD} of a blob. */
  public HttpResponse<byte[]> headBlob(String repository, String digest) {
    return send(
        authorized(repository, "/v2/" + repository + "/blobs/" + digest)
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build());
  }

  /** Returns the repository's tags in the order the server lists them. */
  public List<String> tags(String repository) {
    HttpResponse<byte[]> response =
        send(authorized(repository, "/v2/" + repository + "/tags/list").GET().build());
    if (response.statusCode() != 200) {
      throw new AssertionError("tags/list of " + repository + " returned " + describe(response));
    }
    return JSON.convertValue(
        json(response.body()).path("tags"),
        JSON.getTypeFactory().constructCollectionType(List.class, String.class));
  }

  /** A request builder for {@code pathOrUrl} that carries {@code repository}'s bearer token. */
  public HttpRequest.Builder authorized(String repository, String pathOrUrl) {
    return HttpRequest.newBuilder(resolve(pathOrUrl))
        .header("Authorization", "Bearer " + token(repository));
  }

  public HttpResponse<byte[]> send(HttpRequest request) {
    return send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted during " + request.method() + " " + request.uri(), e);
    }
  }

  /** Parses a JSON body, such as a manifest or config. */
  public static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("Not JSON: " + new String(body, StandardCharsets.UTF_8), e);
    }
  }

  /** Status and body of a response, for failure messages. */
  public static String describe(HttpResponse<byte[]> response) {
    return response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RegistryClient[" + baseUrl + ", user " + username + "]";
  }

  private record CachedToken(String token, Instant fetched) {

    @Override
    public String toString() {
      return "CachedToken[fetched=" + fetched + "]";
    }
  }
}
