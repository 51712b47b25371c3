package io.slipway.agent.update;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Reads manifests and locates blobs in the Slipway registry over the OCI distribution API, with
 * pull tokens from {@link RegistryTokens}. Every manifest is checked against the digest it was
 * fetched by, so a registry that serves other bytes is caught here. Thread-safe.
 */
final class RegistryClient {

  private static final String ACCEPT =
      String.join(
          ",",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          ImageReader.OCI_MANIFEST,
          ImageReader.DOCKER_MANIFEST);

  private final URI registry;
  private final RegistryTokens tokens;
  private final HttpClient http;

  /** A manifest or index as fetched, its bytes matching {@code digest}. */
  record Fetched(Digest digest, String mediaType, byte[] bytes) {}

  /**
   * @param registry the registry's base URL, such as {@code https://slipway.example}
   */
  RegistryClient(URI registry, RegistryTokens tokens, HttpClient http) {
    this.registry = registry;
    this.tokens = tokens;
    this.http = http;
  }

  /**
   * Fetches the manifest or index {@code digest} of {@code repository}.
   *
   * @throws AgentException {@code VERIFICATION_FAILED} when the bytes hash to another digest;
   *     {@code PROTOCOL} when the registry has no such manifest; {@code SERVER_UNAVAILABLE} when it
   *     cannot be reached
   */
  Fetched manifest(String repository, Digest digest) throws InterruptedException {
    URI uri = resolve("/v2/" + repository + "/manifests/" + digest.value());
    HttpResponse<InputStream> response = get(uri, tokens.authorization(repository));
    if (response.statusCode() == 401) {
      close(response);
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      response = get(uri, tokens.answer(repository, challenge));
    }
    byte[] bytes = body(response, uri, repository, digest);
    Digest actual = Digest.of(bytes);
    if (!actual.equals(digest)) {
      throw new AgentException(
          AgentFailure.VERIFICATION_FAILED,
          "The registry served manifest "
              + repository
              + "@"
              + digest
              + " with content that hashes to "
              + actual
              + "; it was altered, so nothing is installed from it");
    }
    String mediaType = response.headers().firstValue("Content-Type").orElse("");
    return new Fetched(digest, mediaType, bytes);
  }

  /** Returns the URL of blob {@code digest} of {@code repository}. */
  URI blob(String repository, Digest digest) {
    return resolve("/v2/" + repository + "/blobs/" + digest.value());
  }

  /**
   * Appends {@code path} to the registry's URL, keeping a path prefix such as that of a reverse
   * proxy at {@code https://host/slipway}, which {@link URI#resolve} would drop.
   */
  private URI resolve(String path) {
    String base = registry.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
  }

  /** Returns the {@code Authorization} header of {@code repository}, renewed as it expires. */
  Supplier<String> authorization(String repository) {
    return () -> {
      try {
        return tokens.authorization(repository);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AgentException(AgentFailure.SERVER_UNAVAILABLE, "Interrupted", e);
      }
    };
  }

  private HttpResponse<InputStream> get(URI uri, String authorization) throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Accept", ACCEPT).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.SERVER_UNAVAILABLE, "Fetching " + uri + " failed: " + e, e);
    }
  }

  private static byte[] body(
      HttpResponse<InputStream> response, URI uri, String repository, Digest digest) {
    int status = response.statusCode();
    if (status != 200) {
      close(response);
      AgentFailure failure =
          status == 401 || status == 403
              ? AgentFailure.UNAUTHORIZED
              : status >= 500 ? AgentFailure.SERVER_UNAVAILABLE : AgentFailure.PROTOCOL;
      throw new AgentException(
          failure,
          "The registry answered HTTP " + status + " for manifest " + repository + "@" + digest);
    }
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(ImageReader.MAX_MANIFEST_BYTES + 1);
      if (bytes.length > ImageReader.MAX_MANIFEST_BYTES) {
        throw new AgentException(
            AgentFailure.PROTOCOL,
            "Manifest "
                + repository
                + "@"
                + digest
                + " is larger than "
                + ImageReader.MAX_MANIFEST_BYTES
                + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.SERVER_UNAVAILABLE, "Reading " + uri + " failed: " + e, e);
    }
  }

  private static void close(HttpResponse<InputStream> response) {
    try {
      response.body().close();
    } catch (IOException e) {
      // Nothing was left to read that matters; the connection is dropped instead of reused.
    }
  }
}
