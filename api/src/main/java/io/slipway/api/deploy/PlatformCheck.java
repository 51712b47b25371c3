package io.slipway.api.deploy;

import io.slipway.api.deploy.CheckedImage.PlatformManifest;
import io.slipway.api.deploy.ImageDocument.IndexEntry;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The second step of a deploy: reads each image's manifest or index through the registry and picks
 * the manifest for every platform of the fleet's device types with {@link PlatformMatcher}. An
 * image that is a single manifest serves the platform its config states. Stateless and safe for
 * concurrent use.
 */
@Component
public class PlatformCheck {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Checks every image against the fleet's targets.
   *
   * @param client a client of this server's registry that may pull every source
   * @param targets the fleet's device types and their platforms
   * @throws ApiException {@code IMAGE_NOT_FOUND}, {@code IMAGE_PLATFORM_MISSING} naming the
   *     platform and its device types, or {@code IMAGE_CORRUPT} naming the manifest at fault
   */
  public List<CheckedImage> check(
      RegistryClient client, List<SourceImage> images, List<BuildTarget> targets) {
    Map<Platform, List<String>> platforms = platforms(targets);
    List<CheckedImage> checked = new ArrayList<>();
    for (SourceImage image : images) {
      checked.add(check(client, image, platforms));
    }
    return checked;
  }

  /** Returns the fleet's distinct platforms, each with the device types that need it. */
  static Map<Platform, List<String>> platforms(List<BuildTarget> targets) {
    Map<Platform, List<String>> platforms = new LinkedHashMap<>();
    for (BuildTarget target : targets) {
      platforms.computeIfAbsent(target.platform(), p -> new ArrayList<>()).add(target.deviceType());
    }
    return platforms;
  }

  private CheckedImage check(
      RegistryClient client, SourceImage image, Map<Platform, List<String>> platforms) {
    Manifest top = read(client, image, image.reference());
    ImageDocument document = parse(image, top);
    List<PlatformManifest> chosen = new ArrayList<>();
    if (document.index()) {
      for (Map.Entry<Platform, List<String>> platform : platforms.entrySet()) {
        IndexEntry entry =
            PlatformMatcher.choose(platform.getKey(), document.entries(), IndexEntry::platform)
                .orElseThrow(
                    () ->
                        missing(
                            image,
                            platform,
                            PlatformMatcher.describe(document.entries(), IndexEntry::platform)));
        chosen.add(child(client, image, platform.getKey(), entry));
      }
      return new CheckedImage(image, chosen);
    }
    Platform own = configPlatform(client, image, document);
    for (Map.Entry<Platform, List<String>> platform : platforms.entrySet()) {
      Optional<Platform> fits =
          own == null
              ? Optional.empty()
              : PlatformMatcher.choose(platform.getKey(), List.of(own), p -> p);
      if (fits.isEmpty()) {
        throw missing(image, platform, own == null ? List.of() : List.of(own.toString()));
      }
      chosen.add(new PlatformManifest(platform.getKey(), own, top, document));
    }
    return new CheckedImage(image, chosen);
  }

  private PlatformManifest child(
      RegistryClient client, SourceImage image, Platform wanted, IndexEntry entry) {
    Manifest manifest = read(client, image, entry.digest());
    if (manifest.size() != entry.size()) {
      throw corrupt(
          image,
          "the manifest "
              + entry.digest()
              + " for "
              + entry.platform()
              + " is "
              + manifest.size()
              + " bytes, but the index states "
              + entry.size());
    }
    ImageDocument document = parse(image, manifest);
    if (document.index()) {
      throw corrupt(
          image,
          "the index entry "
              + entry.digest()
              + " for "
              + entry.platform()
              + " is itself an index, and nested indexes are not deployed");
    }
    return new PlatformManifest(wanted, entry.platform(), manifest, document);
  }

  /** Reads the config of a single manifest and returns the platform it states, or null. */
  private static Platform configPlatform(
      RegistryClient client, SourceImage image, ImageDocument document) {
    String digest = document.config().digest();
    byte[] config;
    try {
      config = client.readBlob(image.repository(), digest);
    } catch (RegistryException e) {
      throw corrupt(image, "its config " + digest + " cannot be read (" + e.getMessage() + ")");
    }
    try {
      return ImageDocument.platform(JSON.readTree(config));
    } catch (JacksonException e) {
      throw corrupt(image, "its config " + digest + " is not JSON");
    }
  }

  private static Manifest read(RegistryClient client, SourceImage image, String reference) {
    try {
      return client.getManifest(image.repository(), reference);
    } catch (RegistryException e) {
      if (e.status() == 404) {
        throw new ApiException(
            ErrorCode.IMAGE_NOT_FOUND,
            "Image "
                + image.describe()
                + " of service '"
                + image.service()
                + "' does not exist"
                + (reference.equals(image.reference()) ? "" : " (manifest " + reference + ")")
                + ": push it first with docker push or skopeo copy, or check the name and tag"
                + (image.named().path().equals(image.repository())
                    ? ""
                    : ". When a mirror serves it, also check that the mirror's upstream is"
                        + " reachable and has the image"));
      }
      if (e.status() == 200) {
        throw corrupt(image, "its manifest " + reference + " is damaged: " + e.getMessage());
      }
      throw DeployFailures.registry(image, e);
    }
  }

  private static ImageDocument parse(SourceImage image, Manifest manifest) {
    try {
      return ImageDocument.parse(manifest);
    } catch (IllegalArgumentException e) {
      throw corrupt(image, "its manifest " + manifest.digest() + " is unusable: " + e.getMessage());
    }
  }

  private static ApiException missing(
      SourceImage image, Map.Entry<Platform, List<String>> platform, List<String> available) {
    return new ApiException(
        ErrorCode.IMAGE_PLATFORM_MISSING,
        "Image "
            + image.describe()
            + " of service '"
            + image.service()
            + "' has no manifest for platform "
            + platform.getKey()
            + ", which the fleet's device types "
            + platform.getValue()
            + " need; it has "
            + (available.isEmpty() ? "no platform Slipway can read" : String.join(", ", available))
            + ". Build and push it for "
            + platform.getKey()
            + " as well, for example with docker buildx build --platform "
            + platform.getKey()
            + ",... --push");
  }

  private static ApiException corrupt(SourceImage image, String fault) {
    return DeployFailures.corrupt(image, fault);
  }
}
