package io.slipway.api.delta;

import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.deploy.ImageDocument;
import io.slipway.api.release.ImageReference;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import io.slipway.delta.image.Digest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lists the platform manifests of a release's image through this server's registry: the entries of
 * an image index, or the image itself with the platform its config states. Results are kept in
 * memory by digest, which is sound because the content of a digest never changes; at most {@value
 * #CACHED_IMAGES} images are kept, the least recently used dropped first. Safe for concurrent use.
 */
@Component
class PlatformManifests {

  /** How many images' platform lists are kept in memory. */
  static final int CACHED_IMAGES = 2048;

  private static final Logger log = LoggerFactory.getLogger(PlatformManifests.class);
  private static final Duration SECRET_LIFETIME = Duration.ofMinutes(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ServerRegistryAccess access;
  private final Map<Digest, List<PlatformManifest>> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Digest, List<PlatformManifest>> eldest) {
          return size() > CACHED_IMAGES;
        }
      };

  PlatformManifests(ServerRegistryAccess access) {
    this.access = access;
  }

  /**
   * A platform manifest and its platform. Immutable.
   *
   * @param digest the manifest's digest
   * @param platform the platform it runs on; null when neither the index nor the config states one
   */
  record PlatformManifest(Digest digest, Platform platform) {}

  /**
   * Returns the platform manifests of {@code image}, read with a builder secret of {@code
   * fleetRepository} ({@code ORG/FLEET}).
   *
   * @throws io.slipway.builder.registry.RegistryException when the registry cannot return the image
   *     or its config
   * @throws IllegalStateException naming the image when its manifest or config does not parse
   */
  List<PlatformManifest> of(String fleetRepository, ImageReference image) {
    Digest digest = Digest.of(image.digest());
    synchronized (cache) {
      List<PlatformManifest> known = cache.get(digest);
      if (known != null) {
        return known;
      }
    }
    List<PlatformManifest> read = read(fleetRepository, image);
    synchronized (cache) {
      cache.put(digest, read);
    }
    return read;
  }

  /**
   * Returns the platform manifests of the release image {@code image} like {@link #of}, or an empty
   * list when the registry cannot return them: an image the registry lost can be no delta's end.
   * The failure is logged with the release and service.
   */
  List<PlatformManifest> ofRelease(String fleetRepository, ReleaseImage image) {
    try {
      return of(fleetRepository, image.image());
    } catch (RegistryException | IllegalStateException e) {
      log.warn(
          "Image {} of service '{}' of release {} in fleet {} cannot be read, so no delta starts"
              + " or ends there: {}",
          image.image(),
          image.service(),
          image.releaseId(),
          fleetRepository,
          e.getMessage());
      return List.of();
    }
  }

  private List<PlatformManifest> read(String fleetRepository, ImageReference image) {
    RegistryClient client = access.client(fleetRepository, SECRET_LIFETIME, REQUEST_TIMEOUT);
    Manifest manifest = client.getManifest(image.repository(), image.digest());
    ImageDocument document = parse(image, manifest);
    if (document.index()) {
      return document.entries().stream()
          .map(entry -> new PlatformManifest(Digest.of(entry.digest()), entry.platform()))
          .toList();
    }
    byte[] config = client.readBlob(image.repository(), document.config().digest());
    return List.of(new PlatformManifest(Digest.of(image.digest()), platformOf(image, config)));
  }

  private static ImageDocument parse(ImageReference image, Manifest manifest) {
    try {
      return ImageDocument.parse(manifest);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "The manifest of release image " + image + " does not parse: " + e.getMessage(), e);
    }
  }

  private static Platform platformOf(ImageReference image, byte[] config) {
    try {
      return ImageDocument.platform(JSON.readTree(config));
    } catch (JacksonException e) {
      throw new IllegalStateException(
          "The config of release image " + image + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
