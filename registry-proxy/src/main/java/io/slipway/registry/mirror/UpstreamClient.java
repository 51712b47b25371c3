package io.slipway.registry.mirror;

import io.slipway.registry.RegistrySettings;
import io.slipway.registry.manifest.MediaTypes;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.InvalidReferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads manifests and blobs from the upstream registry of one mirror over the OCI distribution API,
 * responding to its authentication challenges through an {@link UpstreamAuthenticator}.
 *
 * <p>Redirects (blob downloads are often sent to a CDN) are followed up to {@value #MAX_REDIRECTS}
 * times, and the {@code Authorization} header goes only to the origin of the first request.
 *
 * <p>Safe for concurrent use.
 */
final class UpstreamClient {

  /** The manifest media types that the registry stores, in the order offered to the upstream. */
  static final String ACCEPT_MANIFESTS =
      String.join(
          ", ",
          MediaTypes.OCI_INDEX,
          MediaTypes.OCI_MANIFEST,
          MediaTypes.DOCKER_MANIFEST_LIST,
          MediaTypes.DOCKER_MANIFEST);

  private static final int MAX_REDIRECTS = 5;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  /** How much of an upstream error body is quoted in the exception message, in bytes. */
  private static final int ERROR_EXCERPT_BYTES = 512;

  /** A manifest as the upstream sent it. */
  record Manifest(byte[] content, String contentType, Digest declaredDigest) {}

  /** An open blob download; the caller closes it. */
  record Blob(InputStream body, OptionalLong contentLength) implements AutoCloseable {
    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException e) {
        // Only the connection's reuse is lost; the content was already read or abandoned.
      }
    }
  }

  private final RegistrySettings.Mirror mirror;
  private final HttpClient http;
  private final Duration timeout;
  private final UpstreamAuthenticator authenticator;

  /**
   * @param timeout the longest wait for a response's headers; a blob body may take longer
   */
  UpstreamClient(RegistrySettings.Mirror mirror, HttpClient http, Clock clock, Duration timeout) {
    this.mirror = mirror;
    this.http = http;
    this.timeout = timeout;
    this.authenticator = new UpstreamAuthenticator(mirror, http, clock, timeout);
  }

  /** Returns the upstream base URL, for messages. */
  URI upstream() {
    return mirror.upstream();
  }

  /**
   * Returns the digest the upstream gives for manifest {@code reference} in {@code repository},
   * from a {@code HEAD} request, or empty when the upstream sends no {@code Docker-Content-Digest}.
   *
   * @throws UpstreamException when the upstream is unreachable or responds with an error status
   */
  Optional<Digest> manifestDigest(String repository, String reference) {
    HttpResponse<InputStream> response =
        send(repository, "HEAD", "/manifests/" + reference, ACCEPT_MANIFESTS);
    discard(response);
    return declaredDigest(response);
  }

  /**
   * Downloads manifest {@code reference} of {@code repository}.
   *
   * @param maxBytes the largest manifest accepted
   * @throws UpstreamException when the upstream is unreachable, responds with an error status, or
   *     sends more than {@code maxBytes}
   */
  Manifest manifest(String repository, String reference, long maxBytes) {
    HttpResponse<InputStream> response =
        send(repository, "GET", "/manifests/" + reference, ACCEPT_MANIFESTS);
    URI uri = response.uri();
    try (InputStream body = response.body()) {
      byte[] content = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (content.length > maxBytes) {
        throw new UpstreamException(
            "Manifest at "
                + uri
                + " exceeds the limit of "
                + maxBytes
                + " bytes; raise maxManifestBytes to mirror it");
      }
      String contentType = response.headers().firstValue("Content-Type").orElse(null);
      return new Manifest(content, contentType, declaredDigest(response).orElse(null));
    } catch (IOException e) {
      throw new UpstreamException("Reading manifest " + uri + " failed: " + e, e);
    }
  }

  /**
   * Returns the size of blob {@code digest} in {@code repository}, from a {@code HEAD} request, or
   * empty when the upstream sends no {@code Content-Length}.
   *
   * @throws UpstreamException with status 404 when the upstream repository lacks the blob
   */
  OptionalLong blobSize(String repository, Digest digest) {
    HttpResponse<InputStream> response = send(repository, "HEAD", "/blobs/" + digest, null);
    discard(response);
    return response.headers().firstValueAsLong("Content-Length");
  }

  /**
   * Opens the download of blob {@code digest} in {@code repository}. The content is not checked
   * here; the caller verifies it against the digest.
   *
   * @throws UpstreamException when the upstream is unreachable or responds with an error status
   */
  Blob openBlob(String repository, Digest digest) {
    // NOTE: the request timeout ends when the response headers arrive. A body that stalls after
    // that blocks the reading thread, and the requests waiting for the same digest, until the
    // connection breaks.
    HttpResponse<InputStream> response = send(repository, "GET", "/blobs/" + digest, null);
    return new Blob(response.body(), response.headers().firstValueAsLong("Content-Length"));
  }

  /**
   * Sends a request, responds to one 401 challenge and returns the successful response with its
   * body still open.
   */
  private HttpResponse<InputStream> send(
      String repository, String method, String path, String accept) {
    URI uri = endpoint(repository, path);
    Optional<String> authorization = authenticator.knownAuthorization(repository);
    HttpResponse<InputStream> response = exchange(method, uri, accept, authorization);
    if (response.statusCode() == 401) {
      List<String> challenges = response.headers().allValues("WWW-Authenticate");
      discard(response);
      String retry = authenticator.respond(repository, challenges);
      response = exchange(method, uri, accept, Optional.of(retry));
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response;
    }
    String excerpt = method.equals("HEAD") ? "" : errorExcerpt(response);
    discard(response);
    throw new UpstreamException(
        status,
        method + " " + uri + " returned " + status + (excerpt.isEmpty() ? "" : ": ") + excerpt);
  }

  private URI endpoint(String repository, String path) {
    String base = mirror.upstream().toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/v2/" + repository + path);
  }

  private HttpResponse<InputStream> exchange(
      String method, URI uri, String accept, Optional<String> authorization) {
    URI current = uri;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(current)
              .method(method, HttpRequest.BodyPublishers.noBody())
              .timeout(timeout);
      if (accept != null) {
        request.header("Accept", accept);
      }
      if (authorization.isPresent() && sameOrigin(current, uri)) {
        request.header("Authorization", authorization.get());
      }
      HttpResponse<InputStream> response = call(request.build());
      if (!REDIRECTS.contains(response.statusCode())) {
        return response;
      }
      discard(response);
      current = redirectTarget(current, response, hop);
    }
  }

  private HttpResponse<InputStream> call(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UpstreamException(
          request.method() + " " + request.uri() + " failed: upstream unreachable (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException(
          "Interrupted while waiting for " + request.method() + " " + request.uri(), e);
    }
  }

  private static URI redirectTarget(URI current, HttpResponse<InputStream> response, int hop) {
    int status = response.statusCode();
    if (hop >= MAX_REDIRECTS) {
      throw new UpstreamException(
          status, current + " redirected more than " + MAX_REDIRECTS + " times; giving up");
    }
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new UpstreamException(
                        status, current + " returned " + status + " without a Location header"));
    URI target;
    try {
      target = current.resolve(location);
    } catch (IllegalArgumentException e) {
      throw new UpstreamException(
          status, current + " redirected to an invalid URL '" + location + "'");
    }
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new UpstreamException(
          status, current + " redirected to '" + location + "', which is not an http(s) URL");
    }
    return target;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && effectivePort(a) == effectivePort(b);
  }

  private static int effectivePort(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private static Optional<Digest> declaredDigest(HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue("Docker-Content-Digest");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(header.get().trim()));
    } catch (InvalidReferenceException e) {
      throw new UpstreamException(
          response.uri() + " sent an invalid Docker-Content-Digest header: " + e.getMessage());
    }
  }

  private static String errorExcerpt(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      String text = new String(body.readNBytes(ERROR_EXCERPT_BYTES), StandardCharsets.UTF_8);
      return text.replaceAll("\\s+", " ").trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Closes a response body that is not needed, so its connection can be reused or released. */
  private static void discard(HttpResponse<InputStream> response) {
    try {
      response.body().close();
    } catch (IOException e) {
      // The body is not needed; a failed close only means the connection is not reused.
    }
  }
}
