package io.slipway.api.deploy;

import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.deploy.DeploymentRequest.ServiceRequest;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.registry.RegistryGrantPolicy;
import io.slipway.api.release.ReleaseService;
import io.slipway.api.release.ReleaseServiceImage;
import io.slipway.registry.Registry;
import io.slipway.registry.RegistrySettings;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.registry.reference.Tag;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The first step of a deploy: turns the request's services into {@link SourceImage}s, each a
 * repository of this server's registry, and checks that the caller may pull every one of them under
 * the {@link RegistryGrantPolicy}, so a deploy reads nothing the caller could not pull directly.
 * Asks no registry anything but this server's metadata. Safe for concurrent use.
 */
@Component
public class ReferenceResolver {

  private static final String PULL = "pull";

  private final Registry registry;
  private final RegistrySettings settings;
  private final ServerRegistryAccess access;
  private final RegistryGrantPolicy grants;
  private final Environment environment;

  public ReferenceResolver(
      Registry registry,
      RegistrySettings settings,
      ServerRegistryAccess access,
      RegistryGrantPolicy grants,
      Environment environment) {
    this.registry = registry;
    this.settings = settings;
    this.access = access;
    this.grants = grants;
    this.environment = environment;
  }

  /**
   * Resolves the images of {@code request} for {@code fleet}.
   *
   * @param requestHost the {@code Host} the request came to, or null
   * @return one source image per service, in the request's order (by name for a tag alone)
   * @throws ApiException {@code INVALID_REQUEST_BODY}, {@code INVALID_SERVICE}, {@code
   *     INVALID_IMAGE_REFERENCE}, {@code IMAGE_REGISTRY_NOT_SERVED}, {@code IMAGE_NOT_FOUND} (a tag
   *     no repository of the fleet holds) or {@code FORBIDDEN} (no pull on a source), each naming
   *     the service and image
   */
  public List<SourceImage> resolve(
      Identity who, Fleet fleet, DeploymentRequest request, String requestHost) {
    String tag = tag(request.tag());
    Map<String, ServiceRequest> services = request.services();
    if ((services == null || services.isEmpty()) && tag == null) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Name the images to deploy: give 'services' with an image for each service, or 'tag' to"
              + " deploy every repository of "
              + fleet.repositoryPrefix()
              + " that holds that tag");
    }
    List<SourceImage> images =
        services == null || services.isEmpty()
            ? byTag(fleet, tag)
            : byService(fleet, services, tag, mapper(requestHost));
    if (images.size() > ReleaseService.MAX_SERVICES) {
      throw new ApiException(
          ErrorCode.INVALID_SERVICE,
          "The deploy names "
              + images.size()
              + " services, more than "
              + ReleaseService.MAX_SERVICES
              + "; split the application into fewer services");
    }
    for (SourceImage image : images) {
      requirePull(who, image);
      requireOwnOrganization(fleet, image);
    }
    return images;
  }

  /** Returns the mapper for this request: this server's host names and the mirrors. */
  ReferenceMapper mapper(String requestHost) {
    Set<String> hosts = new LinkedHashSet<>();
    hosts.add(access.imageHost());
    hosts.add(access.registry());
    String port = environment.getProperty("local.server.port");
    // The Host header is the caller's to choose, so it counts only when it names this server's
    // port: "ghcr.io" must not make images named after another registry count as local ones.
    if (requestHost != null && port != null && requestHost.strip().endsWith(":" + port)) {
      hosts.add(requestHost.strip());
    }
    if (port != null) {
      hosts.add("127.0.0.1:" + port);
      hosts.add("localhost:" + port);
      hosts.add("[::1]:" + port);
    }
    return new ReferenceMapper(hosts, settings.mirrors());
  }

  private List<SourceImage> byTag(Fleet fleet, String tag) {
    List<SourceImage> images = new ArrayList<>();
    for (String repository : registry.repositoriesWithTag(fleet.repositoryPrefix(), tag)) {
      String service = repository.substring(repository.lastIndexOf('/') + 1);
      images.add(new SourceImage(service, ownImage(repository, tag), repository, tag, null));
    }
    if (images.isEmpty()) {
      throw new ApiException(
          ErrorCode.IMAGE_NOT_FOUND,
          "No repository of "
              + fleet.repositoryPrefix()
              + " holds tag '"
              + tag
              + "': push each service's image as "
              + access.imageHost()
              + "/"
              + fleet.repositoryPrefix()
              + "/SERVICE:"
              + tag
              + " first, with docker push or skopeo copy");
    }
    return images;
  }

  private List<SourceImage> byService(
      Fleet fleet, Map<String, ServiceRequest> services, String tag, ReferenceMapper mapper) {
    List<SourceImage> images = new ArrayList<>();
    for (Map.Entry<String, ServiceRequest> entry : services.entrySet()) {
      String service = serviceName(entry.getKey());
      ServiceRequest settings =
          entry.getValue() == null ? new ServiceRequest(null, null, null, null) : entry.getValue();
      requireValidSettings(service, settings);
      images.add(image(fleet, service, settings, tag, mapper));
    }
    return images;
  }

  private SourceImage image(
      Fleet fleet, String service, ServiceRequest settings, String tag, ReferenceMapper mapper) {
    if (settings.image() == null || settings.image().isBlank()) {
      if (tag == null) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST_BODY,
            "Service '"
                + service
                + "' names no image: give its 'image', or a 'tag' to deploy "
                + fleet.repositoryPrefix()
                + "/"
                + service
                + ":TAG");
      }
      String repository = fleet.repositoryPrefix() + "/" + service;
      return new SourceImage(service, ownImage(repository, tag), repository, tag, settings);
    }
    SourceReference named;
    try {
      named = SourceReference.parse(settings.image());
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ErrorCode.INVALID_IMAGE_REFERENCE, "Service '" + service + "': " + e.getMessage());
    }
    ReferenceMapper.Mapped mapped =
        mapper.map(named).orElseThrow(() -> notServed(fleet, service, named, mapper));
    return new SourceImage(service, named, mapped.repository(), mapped.reference(), settings);
  }

  /** Returns the reference to {@code repository:tag} of this registry, under its image host. */
  private SourceReference ownImage(String repository, String tag) {
    String host = access.imageHost();
    return new SourceReference(host + "/" + repository + ":" + tag, host, repository, tag, null);
  }

  /**
   * Checks a service's environment, labels and configuration now, so that a bad entry fails the
   * request before a release exists.
   */
  private static void requireValidSettings(String service, ServiceRequest settings) {
    try {
      new ReleaseServiceImage(
          service, null, settings.environment(), settings.labels(), settings.configuration());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_SERVICE, e.getMessage());
    }
  }

  private ApiException notServed(
      Fleet fleet, String service, SourceReference named, ReferenceMapper mapper) {
    String host = named.host() == null ? "docker.io" : named.host();
    String target = access.imageHost() + "/" + fleet.repositoryPrefix() + "/" + service;
    List<String> mirrored = mapper.mirroredHosts();
    return new ApiException(
        ErrorCode.IMAGE_REGISTRY_NOT_SERVED,
        "Image "
            + named.text()
            + " of service '"
            + service
            + "' is on registry "
            + host
            + ", which is neither this server's registry ("
            + access.imageHost()
            + ") nor mirrored by it"
            + (mirrored.isEmpty() ? "" : " (mirrors: " + String.join(", ", mirrored) + ")")
            + ": copy the image here, for example with skopeo copy --all docker://"
            + named.text()
            + " docker://"
            + target
            + ":"
            + (named.tag() == null ? "latest" : named.tag())
            + ", and name it as "
            + target
            + ", or ask an administrator to add a mirror of "
            + host
            + " (slipway.registry.mirrors)");
  }

  private void requirePull(Identity who, SourceImage image) {
    List<Scope> granted = grants.grant(who, List.of(Scope.repository(image.repository(), PULL)));
    boolean allowed =
        granted.stream()
            .anyMatch(scope -> scope.name().equals(image.repository()) && scope.allows(PULL));
    if (allowed) {
      return;
    }
    throw new ApiException(
        ErrorCode.FORBIDDEN,
        "User '"
            + who.subject()
            + "' may not pull "
            + image.repository()
            + " (image "
            + image.named().text()
            + " of service '"
            + image.service()
            + "'); a deploy reads only images its caller may pull: ask an owner of that"
            + " organization for access, or push the image to a repository of this fleet");
  }

  // NOTE: the deploy reads and mounts with a builder secret of the fleet, which pulls only from the
  // fleet's organization, so images of other organizations are rejected even for administrators.
  private static void requireOwnOrganization(Fleet fleet, SourceImage image) {
    if (image.repository().startsWith(fleet.organizationSlug() + "/")) {
      return;
    }
    throw new ApiException(
        ErrorCode.INVALID_IMAGE_REFERENCE,
        "Image "
            + image.describe()
            + " of service '"
            + image.service()
            + "' is outside organization "
            + fleet.organizationSlug()
            + "; fleet "
            + fleet.repositoryPrefix()
            + " deploys images from its own organization's repositories and mirrors only: copy"
            + " it to "
            + fleet.repositoryPrefix()
            + "/"
            + image.service()
            + " first");
  }

  private static String serviceName(String name) {
    try {
      return ReleaseServiceImage.requireServiceName(name);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_SERVICE, e.getMessage());
    }
  }

  private static String tag(String tag) {
    if (tag == null) {
      return null;
    }
    try {
      return new Tag(tag).value();
    } catch (InvalidReferenceException e) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Tag '"
              + tag
              + "' is invalid: use up to 128 letters, digits, '_', '.' and '-', not starting"
              + " with '.' or '-'");
    }
  }
}
