package io.slipway.api.release;

import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.builder.pipeline.RegistryAccess;
import io.slipway.registry.Registry;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Checks release images against this server's registry. With {@code slipway.registry.public-url}
 * set, every image must name that host. An image names this server when it names that host, the
 * {@code Host} the request came to, or, without a public URL, the address that builds push to
 * ({@link RegistryAccess#registry()}); such an image must have been pushed. Safe for concurrent
 * use.
 *
 * <p>Without a public URL, a running release may name an image on another registry host, which is
 * never contacted. The release cannot finish {@code SUCCESS}, though, because the server signs only
 * images in its own registry ({@link #requireSignable}).
 */
@Component
public class RegistryImages {

  private final Registry registry;
  private final RegistryAccess access;
  private final URI publicUrl;

  public RegistryImages(Registry registry, RegistryAccess access, SlipwayProperties properties) {
    this.registry = registry;
    this.access = access;
    this.publicUrl = properties.registry().publicUrl();
  }

  /**
   * Requires the image's registry host to be the authority of {@code slipway.registry.public-url},
   * when that is set.
   *
   * @throws ApiException {@code INVALID_IMAGE_REFERENCE} naming both hosts
   */
  public void requireOwnHost(ReleaseServiceImage service) {
    if (!service.hasImage() || publicUrl == null) {
      return;
    }
    String own = publicHost();
    String named = service.image().registryHost();
    if (own.equalsIgnoreCase(named)) {
      return;
    }
    throw new ApiException(
        ErrorCode.INVALID_IMAGE_REFERENCE,
        "Image of service '"
            + service.service()
            + "' names registry host '"
            + named
            + "', not this server's registry '"
            + own
            + "': push the image here and name it as "
            + own
            + "/"
            + service.image().repository()
            + "@"
            + service.image().digest());
  }

  /**
   * Requires an image that names this server to be in its repository of this registry.
   *
   * @throws ApiException {@code INVALID_IMAGE_REFERENCE} naming the repository and digest
   */
  public void requirePushed(long releaseId, ReleaseServiceImage service) {
    if (!service.hasImage() || !namesThisServer(service.image().registryHost())) {
      return;
    }
    String repository = service.image().repository();
    String digest = service.image().digest();
    if (registry.containsManifest(repository, digest)) {
      return;
    }
    throw new ApiException(
        ErrorCode.INVALID_IMAGE_REFERENCE,
        "Release "
            + releaseId
            + " names image "
            + repository
            + "@"
            + digest
            + " for service '"
            + service.service()
            + "', which this registry does not hold: push it before finishing the release");
  }

  /**
   * Requires an image that the server can sign: one in this server's registry, so that the
   * signatures can be written beside it. {@link #requirePushed} checks that it was pushed.
   *
   * @throws ApiException {@code RELEASE_NOT_SIGNABLE} naming the service, the image and where to
   *     push it
   */
  public void requireSignable(long releaseId, ReleaseServiceImage service) {
    if (!service.hasImage() || namesThisServer(service.image().registryHost())) {
      return;
    }
    String own = publicUrl != null ? publicHost() : ownRegistry();
    throw new ApiException(
        ErrorCode.RELEASE_NOT_SIGNABLE,
        "Release "
            + releaseId
            + " cannot be signed, so it cannot finish SUCCESS: the image "
            + service.image()
            + " of service '"
            + service.service()
            + "' is on another registry, and the server signs only images in its own. Push"
            + " the image to "
            + own
            + "/"
            + service.image().repository()
            + " and set the service to that reference by digest, or create the release with"
            + " `slipway deploy`, which copies an image of this registry, or of a registry it"
            + " mirrors, into the fleet's repository. The release stays RUNNING with"
            + " its services");
  }

  // The host of the public URL, the Host the request came to, or the address that builds and
  // deploys give their images when no public URL is set.
  private boolean namesThisServer(String host) {
    if (publicUrl != null && publicHost().equalsIgnoreCase(host)) {
      return true;
    }
    if (publicUrl == null && host.equalsIgnoreCase(ownRegistry())) {
      return true;
    }
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
      HttpServletRequest request = attrs.getRequest();
      return host.equalsIgnoreCase(request.getHeader(HttpHeaders.HOST));
    }
    return false;
  }

  /** Returns the address builds push to, or "HOST:PORT" before the server listens. */
  private String ownRegistry() {
    try {
      return access.registry();
    } catch (IllegalStateException e) {
      return "HOST:PORT";
    }
  }

  private String publicHost() {
    String host = publicUrl.getHost().toLowerCase(Locale.ROOT);
    return publicUrl.getPort() < 0 ? host : host + ":" + publicUrl.getPort();
  }
}
