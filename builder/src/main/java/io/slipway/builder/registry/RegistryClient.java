package io.slipway.builder.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small OCI Distribution client for one registry: manifests (OCI and Docker media types), blob
 * existence, reads, small uploads and cross-repository mounts, and the referrers API, with the
 * Docker token dance. A request that meets a 401 with a {@code Bearer} challenge is retried once
 * with a token that the challenge's realm issues for the basic {@link RegistryCredentials}; tokens
 * are cached per scope until they expire.
 *
 * <p>Registries on 127.0.0.0/8 are spoken to over plain HTTP (Slipway's own registry on this
 * machine), every other host over HTTPS. Thread-safe: one client serves concurrent builds.
 */
public final class RegistryClient {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
  private static final Pattern LOOPBACK = Pattern.compile("127(?:\\.[0-9]{1,3}){3}");

  /** Maximum size of a manifest or config read into memory, in bytes (4 MiB, the OCI limit). */
  static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

  private final String registry;
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;
  private final TokenSource tokens;

  /**
   * @param registry the registry as {@code host[:port]}, such as {@code 127.0.0.1:5000}
   * @param credentials the user and secret exchanged for tokens, or null for anonymous access
   * @param timeout the limit for each request, from sending to the end of the headers
   */
  public RegistryClient(String registry, RegistryCredentials credentials, Duration timeout) {
    this(registry, credentials, timeout, Clock.systemUTC());
  }

  RegistryClient(String registry, RegistryCredentials credentials, Duration timeout, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.base = URI.create((isLoopback(hostOf(registry)) ? "http://" : "https://") + registry);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.tokens = new TokenSource(registry, http, credentials, timeout, clock);
  }

  /** Returns the registry as {@code host[:port]}. */
  public String registry() {
    return registry;
  }

  /**
   * Returns the descriptor of {@code repository:reference} from a HEAD request, or empty when the
   * registry has no such manifest.
   *
   * @throws RegistryException on any other status
   */
  public Optional<Descriptor> headManifest(String repository, String reference) {
    HttpResponse<byte[]> response =
        send(
            repository,
            reference,
            manifestRequest(repository, reference).method("HEAD", noBody()),
            pull(repository));
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    expect(response, repository, reference, 200);
    String digest = response.headers().firstValue("Docker-Content-Digest").orElse(null);
    String mediaType = response.headers().firstValue("Content-Type").orElse("");
    long size = response.headers().firstValueAsLong("Content-Length").orElse(0);
    if (digest == null || size <= 0) {
      throw new RegistryException(
          repository,
          reference,
          200,
          "the HEAD answer lacks Docker-Content-Digest or Content-Length; read the manifest instead");
    }
    return Optional.of(new Descriptor(mediaType, digest, size, null));
  }

  /**
   * Reads {@code repository:reference}, accepting any manifest or index media type, and checks the
   * content against the digest when {@code reference} is one.
   *
   * @throws RegistryException with status 404 when it does not exist, or on any other failure
   */
  public Manifest getManifest(String repository, String reference) {
    HttpResponse<byte[]> response =
        send(repository, reference, manifestRequest(repository, reference).GET(), pull(repository));
    if (response.statusCode() == 404) {
      throw new RegistryException(
          repository,
          reference,
          404,
          "no such manifest in " + registry + "; push it first or check the name");
    }
    expect(response, repository, reference, 200);
    byte[] body = response.body();
    String mediaType =
        response.headers().firstValue("Content-Type").map(RegistryClient::bareType).orElse("");
    try {
      return new Manifest(mediaType, reference.startsWith("sha256:") ? reference : null, body);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(repository, reference, 200, e.getMessage(), e);
    }
  }

  /**
   * Reads {@code repository:reference} like {@link #getManifest}, or returns empty when the
   * registry has no such manifest (HTTP 404, whether the tag or the whole repository is unknown).
   *
   * @throws RegistryException on any other failure
   */
  public Optional<Manifest> findManifest(String repository, String reference) {
    try {
      return Optional.of(getManifest(repository, reference));
    } catch (RegistryException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Stores {@code manifest} under {@code reference} (a tag, or its own digest).
   *
   * @return the digest the registry reports, which equals {@link Manifest#digest()}
   * @throws RegistryException when the registry refuses it
   */
  public String putManifest(String repository, String reference, Manifest manifest) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
            .timeout(timeout)
            .header("Content-Type", manifest.mediaType())
            .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.bytes()));
    HttpResponse<byte[]> response = send(repository, reference, request, push(repository));
    expect(response, repository, reference, 201);
    String reported =
        response.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
    if (!reported.equals(manifest.digest())) {
      throw new RegistryException(
          repository,
          reference,
          201,
          "the registry stored the manifest as "
              + reported
              + " but its content is "
              + manifest.digest());
    }
    LOG.info("Pushed manifest {}/{}:{} as {}", registry, repository, reference, reported);
    return reported;
  }

  /**
   * Returns true when {@code repository} contains the blob {@code digest}.
   *
   * @throws RegistryException on a status other than 200 or 404
   */
  public boolean blobExists(String repository, String digest) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest))
            .timeout(timeout)
            .method("HEAD", noBody());
    HttpResponse<byte[]> response = send(repository, digest, request, pull(repository));
    if (response.statusCode() == 404) {
      return false;
    }
    expect(response, repository, digest, 200);
    return true;
  }

  /**
   * Reads a small blob, such as an image config, into memory.
   *
   * @throws RegistryException when it is missing or larger than 4 MiB
   */
  public byte[] readBlob(String repository, String digest) {
    try (InputStream in = openBlob(repository, digest)) {
      byte[] content = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
      if (content.length > MAX_DOCUMENT_BYTES) {
        throw new RegistryException(
            repository, digest, 200, "the blob is larger than 4 MiB; stream it with openBlob");
      }
      if (!Manifest.sha256(content).equals(digest)) {
        throw new RegistryException(
            repository, digest, 200, "the blob's content does not match its digest");
      }
      return content;
    } catch (IOException e) {
      throw new RegistryException(repository, digest, 200, "reading the blob failed: " + e, e);
    }
  }

  /**
   * Opens the blob {@code digest} of {@code repository} as a stream, which the caller closes. The
   * stream is not checked against the digest; callers that need that hash what they read.
   *
   * @throws RegistryException when it is missing or the registry fails
   */
  public InputStream openBlob(String repository, String digest) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest))
            .timeout(timeout)
            .GET();
    HttpResponse<InputStream> response =
        send(
            repository,
            digest,
            request,
            pull(repository),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      closeQuietly(response.body());
      throw new RegistryException(
          repository, digest, response.statusCode(), "the blob could not be read from " + registry);
    }
    return response.body();
  }

  /**
   * Uploads {@code content} as one blob of {@code repository} unless the repository already has it.
   * The upload is monolithic: a POST opens the upload and one PUT with {@code ?digest=} sends every
   * byte, a sequence the OCI Distribution Specification requires registries to accept. Meant for
   * small blobs such as configs and signatures; the content is held in memory.
   *
   * @return the blob's digest, {@code sha256:} and the hex SHA-256 of {@code content}
   * @throws RegistryException when the registry rejects the upload or reports another digest
   */
  public String pushBlob(String repository, byte[] content) {
    String digest = Manifest.sha256(content);
    if (blobExists(repository, digest)) {
      return digest;
    }
    HttpRequest.Builder start =
        HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
            .timeout(timeout)
            .POST(noBody());
    HttpResponse<byte[]> opened = send(repository, digest, start, push(repository));
    expect(opened, repository, digest, 202);
    String location =
        opened
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new RegistryException(
                        repository, digest, 202, "the upload answer lacks a Location header"));

    String target = location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    HttpRequest.Builder finish =
        HttpRequest.newBuilder(base.resolve(target))
            .timeout(timeout)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
    HttpResponse<byte[]> stored = send(repository, digest, finish, push(repository));
    if (stored.statusCode() != 201 && blobExists(repository, digest)) {
      // Distribution 2.8 can fail one of two concurrent uploads of the same content with
      // DIGEST_INVALID. The other upload stored the blob, so this one has nothing left to do.
      LOG.debug(
          "Upload of {}/{}@{} failed with HTTP {}, but a concurrent upload stored the blob",
          registry,
          repository,
          digest,
          stored.statusCode());
      return digest;
    }
    expect(stored, repository, digest, 201);
    String reported = stored.headers().firstValue("Docker-Content-Digest").orElse(digest);
    if (!reported.equals(digest)) {
      throw new RegistryException(
          repository, digest, 201, "the registry stored the blob as " + reported);
    }
    LOG.debug("Uploaded blob {}/{}@{}, {} bytes", registry, repository, digest, content.length);
    return digest;
  }

  /**
   * Lists the manifests whose {@code subject} is {@code digest}, through the OCI 1.1 referrers API
   * ({@code GET /v2/NAME/referrers/DIGEST}), following {@code Link} headers across pages.
   *
   * @param artifactType only referrers of this artifact type, or null for all; filtered here too
   *     when the registry ignores the filter
   * @return the referrers, or empty when the registry has no referrers API and returns 404; the OCI
   *     Distribution Specification 1.1 forbids a 404 from registries that have the API
   * @throws RegistryException on another status or a response that is not an OCI index
   */
  public Optional<List<Referrer>> referrers(String repository, String digest, String artifactType) {
    String query =
        artifactType == null
            ? ""
            : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
    URI next = uri("/v2/" + repository + "/referrers/" + digest + query);
    List<Referrer> referrers = new ArrayList<>();
    while (next != null) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(next)
              .timeout(timeout)
              .header("Accept", MediaTypes.OCI_INDEX)
              .GET();
      HttpResponse<byte[]> response = send(repository, digest, request, pull(repository));
      if (response.statusCode() == 404) {
        LOG.debug("{} has no referrers API (404 for {}@{})", registry, repository, digest);
        return Optional.empty();
      }
      expect(response, repository, digest, 200);
      try {
        referrers.addAll(Referrer.listFrom(response.body()));
      } catch (IllegalArgumentException e) {
        throw new RegistryException(
            repository, digest, 200, "the referrers answer is invalid: " + e.getMessage(), e);
      }
      next = nextPage(response);
    }
    if (artifactType != null) {
      referrers.removeIf(referrer -> !artifactType.equals(referrer.artifactType()));
    }
    return Optional.of(List.copyOf(referrers));
  }

  /** Returns the target of a {@code Link: <URL>; rel="next"} header, or null when there is none. */
  private URI nextPage(HttpResponse<?> response) {
    for (String link : response.headers().allValues("Link")) {
      int open = link.indexOf('<');
      int close = link.indexOf('>');
      if (open >= 0 && close > open && link.substring(close).contains("rel=\"next\"")) {
        return base.resolve(link.substring(open + 1, close));
      }
    }
    return null;
  }

  /**
   * Asks the registry to link the blob {@code digest} from {@code fromRepository} into {@code
   * repository} without uploading it again.
   *
   * @return true when the blob is now in {@code repository}; false when the registry declined the
   *     mount (then the blob must be uploaded)
   * @throws RegistryException on an unexpected status
   */
  public boolean mountBlob(String repository, String digest, String fromRepository) {
    URI uri =
        uri("/v2/" + repository + "/blobs/uploads/?mount=" + digest + "&from=" + fromRepository);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).POST(noBody());
    List<String> scopes = List.of(scope(repository, "pull,push"), scope(fromRepository, "pull"));
    HttpResponse<byte[]> response = send(repository, digest, request, scopes);
    if (response.statusCode() == 201) {
      return true;
    }
    expect(response, repository, digest, 202);
    // The registry opened an upload instead; nothing will be sent to it, so cancel it.
    response
        .headers()
        .firstValue("Location")
        .ifPresent(location -> cancelUpload(repository, location));
    return false;
  }

  /**
   * Pins {@code imageReference} for {@code platform}: reads the image's index or manifest list and
   * picks the manifest for the platform, or reads a single manifest's config and checks its
   * platform.
   *
   * @param imageReference {@code host[:port]/repository[:tag|@digest]} on this client's registry
   * @return {@code host[:port]/repository@sha256:...} of the platform's manifest
   * @throws PlatformNotFoundException when the image exists but not for {@code platform}
   * @throws RegistryException with status 404 when the image does not exist, or on another failure
   * @throws IllegalArgumentException when the reference is malformed or names another registry
   */
  public String resolve(String imageReference, io.slipway.builder.platform.Platform platform) {
    ImageReference image = ImageReference.parse(imageReference);
    if (!image.registry().equals(registry)) {
      throw new IllegalArgumentException(
          "Image "
              + imageReference
              + " is not in registry "
              + registry
              + "; base images are pulled from Slipway's registry, so push the image there or"
              + " name it through its pull-through mirror");
    }
    return new PlatformResolver(this).resolve(image, platform);
  }

  private HttpRequest.Builder manifestRequest(String repository, String reference) {
    return HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
        .timeout(timeout)
        .header("Accept", MediaTypes.ACCEPT_ANY_MANIFEST);
  }

  private void cancelUpload(String repository, String location) {
    try {
      URI target = base.resolve(location);
      HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).DELETE();
      send(repository, null, request, push(repository));
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not cancel the unused upload {} in {}/{}: {}",
          location,
          registry,
          repository,
          e.toString());
    }
  }

  private HttpResponse<byte[]> send(
      String repository, String reference, HttpRequest.Builder request, List<String> scopes) {
    return send(repository, reference, request, scopes, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Sends {@code request}; on a 401 with a usable challenge, retries it once with a token. */
  private <T> HttpResponse<T> send(
      String repository,
      String reference,
      HttpRequest.Builder request,
      List<String> scopes,
      HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> response =
        exchange(repository, reference, authorized(request, repository, scopes), handler);
    if (response.statusCode() != 401) {
      return response;
    }
    String header = response.headers().firstValue("WWW-Authenticate").orElse(null);
    if (!tokens.challenged(header, scopes)) {
      return response;
    }
    discard(response);
    return exchange(repository, reference, authorized(request, repository, scopes), handler);
  }

  private HttpRequest authorized(
      HttpRequest.Builder request, String repository, List<String> scopes) {
    HttpRequest.Builder copy = request.copy();
    tokens
        .authorization(repository, scopes)
        .ifPresent(value -> copy.setHeader("Authorization", value));
    return copy.build();
  }

  private <T> HttpResponse<T> exchange(
      String repository,
      String reference,
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw new RegistryException(
          repository, reference, 0, request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(repository, reference, 0, "interrupted", e);
    }
  }

  private static void expect(
      HttpResponse<byte[]> response, String repository, String reference, int status) {
    if (response.statusCode() == status) {
      return;
    }
    String detail =
        response.statusCode() == 401 || response.statusCode() == 403
            ? "access denied; check that the credentials grant this repository"
            : "expected HTTP " + status;
    byte[] body = response.body();
    if (body != null && body.length > 0) {
      detail +=
          "; the registry said "
              + new String(
                      body, 0, Math.min(body.length, 300), java.nio.charset.StandardCharsets.UTF_8)
                  .strip();
    }
    throw new RegistryException(repository, reference, response.statusCode(), detail);
  }

  private static void discard(HttpResponse<?> response) {
    if (response.body() instanceof InputStream in) {
      closeQuietly(in);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private URI uri(String path) {
    return base.resolve(path);
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }

  private static List<String> pull(String repository) {
    return List.of(scope(repository, "pull"));
  }

  private static List<String> push(String repository) {
    return List.of(scope(repository, "pull,push"));
  }

  private static String scope(String repository, String actions) {
    return "repository:" + repository + ":" + actions;
  }

  /** Drops parameters such as {@code ; charset=utf-8} from a Content-Type. */
  private static String bareType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
  }

  /** Returns the host of {@code host[:port]}, without brackets for IPv6 literals. */
  static String hostOf(String registry) {
    if (registry.startsWith("[")) {
      return registry.substring(1, registry.indexOf(']'));
    }
    int colon = registry.lastIndexOf(':');
    return colon < 0 ? registry : registry.substring(0, colon);
  }

  /** Returns true for an IPv4 literal in 127.0.0.0/8. */
  static boolean isLoopback(String host) {
    return host != null && LOOPBACK.matcher(host).matches();
  }

  /** Returns true when {@code registry} ({@code host[:port]}) is on 127.0.0.0/8. */
  public static boolean isLoopbackRegistry(String registry) {
    return isLoopback(hostOf(registry));
  }

  @Override
  public String toString() {
    return "RegistryClient[" + base + "]";
  }
}
