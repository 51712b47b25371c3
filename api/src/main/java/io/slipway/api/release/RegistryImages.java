package io.slipway.api.release;

import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
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
 * set, every image must name that host; an image that names this server (that host, or the {@code
 * Host} the request came to) must have been pushed. Safe for concurrent use.
 *
 * <p>NOTE: without a public URL, an image on another registry host is accepted unchecked, and
 * devices pull it from there; set {@code slipway.registry.public-url} to forbid that.
 */
@Component
public class RegistryImages {

  private final Registry registry;
  private final URI publicUrl;

  public RegistryImages(Registry registry, SlipwayProperties properties) {
    this.registry = registry;
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

  private boolean namesThisServer(String host) {
    if (publicUrl != null && publicHost().equalsIgnoreCase(host)) {
      return true;
    }
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
      HttpServletRequest request = attrs.getRequest();
      return host.equalsIgnoreCase(request.getHeader(HttpHeaders.HOST));
    }
    return false;
  }

  private String publicHost() {
    String host = publicUrl.getHost().toLowerCase(Locale.ROOT);
    return publicUrl.getPort() < 0 ? host : host + ":" + publicUrl.getPort();
  }
}
