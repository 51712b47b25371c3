package io.slipway.registry.http;

import io.slipway.registry.PullThrough;
import io.slipway.registry.RegistrySettings;
import io.slipway.registry.auth.AccessToken;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.registry.blob.BlobService;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.manifest.ManifestService;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.registry.upload.UploadService;
import io.slipway.storage.BlobStore;
import io.slipway.storage.StorageException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the OCI distribution API under {@code /v2/}: routes each request to its endpoint after
 * checking that the request's token grants the action, and turns every failure into the {@code
 * errors[]} envelope.
 *
 * <p>Request paths are taken undecoded from the request URI, so encoded slashes or dots cannot
 * change which repository a request addresses.
 */
public final class RegistryServlet extends HttpServlet {

  private static final Logger log = LoggerFactory.getLogger(RegistryServlet.class);

  private final transient Authorizer authorizer;
  private final transient BlobEndpoint blobEndpoint;
  private final transient UploadEndpoint uploadEndpoint;
  private final transient ManifestEndpoint manifestEndpoint;
  private final transient ListingEndpoint listingEndpoint;
  private final transient PullThrough pullThrough;

  /** Wires the endpoints; see {@link io.slipway.registry.Registry} for the public entry point. */
  public RegistryServlet(
      RegistrySettings settings,
      BlobStore store,
      RegistryMetadata metadata,
      ReferenceLock referenceLock,
      PullThrough pullThrough,
      TokenVerifier tokens) {
    BlobService blobs = new BlobService(store, metadata, referenceLock);
    UploadService uploads =
        new UploadService(store, metadata, referenceLock, settings.maxUploadBytes());
    ManifestService manifests = new ManifestService(store, metadata, blobs, referenceLock);
    this.authorizer = new Authorizer(settings, tokens);
    this.blobEndpoint = new BlobEndpoint(blobs, pullThrough);
    this.uploadEndpoint = new UploadEndpoint(uploads, blobs);
    this.manifestEndpoint =
        new ManifestEndpoint(manifests, pullThrough, settings.maxManifestBytes());
    this.listingEndpoint = new ListingEndpoint(manifests);
    this.pullThrough = pullThrough;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    String path = request.getRequestURI().substring(request.getContextPath().length());
    path = path.startsWith("/v2") ? path.substring(3) : path;
    try {
      dispatch(request, response, path);
    } catch (Authorizer.Unauthorized e) {
      response.setHeader("WWW-Authenticate", e.challenge());
      ErrorResponses.write(
          response, 401, ErrorCode.UNAUTHORIZED.wireCode(), e.getMessage(), e.detail());
    } catch (RegistryException e) {
      log.debug("{} {} rejected: {} {}", request.getMethod(), path, e.code(), e.getMessage());
      if (e.detail().get("offset") instanceof Long offset) {
        // Tells a client whose chunk was out of order where to resume.
        response.setHeader("Range", "0-" + Math.max(0, offset - 1));
      }
      ErrorResponses.write(response, e);
    } catch (StorageException | IOException e) {
      if (isClientAbort(e)) {
        log.warn("{} {} ended early: the client closed the connection", request.getMethod(), path);
        return;
      }
      log.error("{} {} failed in storage", request.getMethod(), path, e);
      ErrorResponses.write(
          response, 500, "UNKNOWN", "Storage failed; the server log has the details", Map.of());
    } catch (RuntimeException e) {
      if (e.getClass().getSimpleName().equals("InvalidParameterException")) {
        // Tomcat raises this from getParameter for a malformed query string.
        log.debug("{} {} rejected: malformed query string", request.getMethod(), path);
        ErrorResponses.write(
            response,
            400,
            "UNSUPPORTED",
            "The query string is not valid percent-encoding; encode it again",
            Map.of());
        return;
      }
      log.error("{} {} failed", request.getMethod(), path, e);
      ErrorResponses.write(
          response, 500, "UNKNOWN", "Internal error; the server log has the details", Map.of());
    }
  }

  private static boolean isClientAbort(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause.getClass().getSimpleName().equals("ClientAbortException")
          || cause instanceof java.io.EOFException) {
        return true;
      }
    }
    return false;
  }

  private void dispatch(HttpServletRequest request, HttpServletResponse response, String path)
      throws IOException {
    Route route = Route.parse(path);
    if (route == null) {
      throw new RegistryException(ErrorCode.NAME_UNKNOWN, "No registry endpoint at /v2" + path);
    }
    String method = request.getMethod();
    switch (route.kind()) {
      case BASE -> base(request, response);
      case CATALOG -> {
        requireMethod(method, "GET");
        authorizer.require(request, "registry:catalog:*", Authorizer.catalog());
        listingEndpoint.catalog(request, response);
      }
      default -> repositoryRoute(request, response, route, method);
    }
  }

  private void base(HttpServletRequest request, HttpServletResponse response) throws IOException {
    authorizer.require(request, null, Authorizer.anyValidToken());
    response.setStatus(200);
    response.setContentType("application/json");
    response.getOutputStream().write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void repositoryRoute(
      HttpServletRequest request, HttpServletResponse response, Route route, String method)
      throws IOException {
    RepositoryName repository = repositoryName(route.repository());
    String action = action(method);
    rejectWriteToMirror(repository, action);
    String scopeActions = action.equals("push") ? "pull,push" : action;
    AccessToken token =
        authorizer.require(
            request,
            "repository:" + repository + ":" + scopeActions,
            Authorizer.repository(repository.value(), action));
    boolean head = method.equals("HEAD");
    switch (route.kind()) {
      case BLOB -> {
        switch (method) {
          case "GET", "HEAD" ->
              blobEndpoint.get(request, response, repository, route.reference(), head);
          case "DELETE" -> blobEndpoint.delete(response, repository, route.reference());
          default -> throw unsupported(method, "blobs");
        }
      }
      case UPLOADS -> {
        requireMethod(method, "POST");
        uploadEndpoint.start(request, response, repository, token);
      }
      case UPLOAD -> {
        switch (method) {
          case "GET" -> uploadEndpoint.status(response, repository, route.reference());
          case "PATCH" -> uploadEndpoint.patch(request, response, repository, route.reference());
          case "PUT" -> uploadEndpoint.complete(request, response, repository, route.reference());
          case "DELETE" -> uploadEndpoint.cancel(response, repository, route.reference());
          default -> throw unsupported(method, "uploads");
        }
      }
      case MANIFEST -> {
        switch (method) {
          case "GET", "HEAD" -> manifestEndpoint.get(response, repository, route.reference(), head);
          case "PUT" -> manifestEndpoint.put(request, response, repository, route.reference());
          case "DELETE" -> manifestEndpoint.delete(response, repository, route.reference());
          default -> throw unsupported(method, "manifests");
        }
      }
      case TAGS -> {
        requireMethod(method, "GET");
        listingEndpoint.tags(request, response, repository);
      }
      case REFERRERS -> {
        requireMethod(method, "GET");
        listingEndpoint.referrers(request, response, repository, route.reference());
      }
      default -> throw new IllegalStateException("Unrouted endpoint " + route.kind());
    }
  }

  /**
   * Rejects pushes and deletes to a mirrored repository, whose content only its upstream sets.
   * Checked before the token, so that clients learn why even when no token could grant the push.
   */
  private void rejectWriteToMirror(RepositoryName repository, String action) {
    if (!action.equals("pull") && pullThrough.mirrors(repository)) {
      throw new RegistryException(
          ErrorCode.UNSUPPORTED,
          "Repository "
              + repository
              + " mirrors an upstream registry and is read-only; push to a repository outside"
              + " the mirror prefix",
          Map.of("name", repository.value()));
    }
  }

  private static RepositoryName repositoryName(String value) {
    try {
      return new RepositoryName(value);
    } catch (InvalidReferenceException e) {
      throw new RegistryException(ErrorCode.NAME_INVALID, e.getMessage(), Map.of("name", value));
    }
  }

  /** Maps an HTTP method to the token action it needs. */
  private static String action(String method) {
    return switch (method) {
      case "GET", "HEAD" -> "pull";
      case "DELETE" -> "delete";
      default -> "push";
    };
  }

  private static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw new RegistryException(
          ErrorCode.UNSUPPORTED, "Method " + method + " is not supported here; use " + expected);
    }
  }

  private static RegistryException unsupported(String method, String endpoint) {
    return new RegistryException(
        ErrorCode.UNSUPPORTED, "Method " + method + " is not supported on " + endpoint);
  }
}
