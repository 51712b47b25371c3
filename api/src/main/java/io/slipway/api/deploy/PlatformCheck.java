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
import java.io.IOException;
import java.io.InputStream;
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
 * image that is a single manifest serves the platform its config states. A manifest chosen from an
 * index must have a config that states the platform of its index entry. Stateless and safe for
 * concurrent use.
 */
@Component
public class PlatformCheck {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The largest image config read, as for manifests: 4 MiB. */
  private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  /**
   * Checks every image against the fleet's targets.
   *
   * @param client a client of this server's registry that may pull every source
   * @param targets the fleet's device types and their platforms
   * @throws ApiException {@code IMAGE_NOT_FOUND}, {@code IMAGE_PLATFORM_MISSING} naming the
   *     platform and its device types (also when the config of the chosen manifest states another
   *     platform than its index entry), or {@code IMAGE_CORRUPT} naming the manifest at fault
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
        chosen.add(child(client, image, platform, entry));
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
      RegistryClient client,
      SourceImage image,
      Map.Entry<Platform, List<String>> wanted,
      IndexEntry entry) {
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
    Platform stated = configPlatform(client, image, document);
    if (!sameMachine(entry.platform(), stated)) {
      throw mislabelled(image, wanted, entry, document, stated);
    }
    return new PlatformManifest(wanted.getKey(), entry.platform(), manifest, document);
  }

  /**
   * Returns true when a config's platform is the one an index entry offers: the same operating
   * system and architecture, and the same variant when both state one. Image configs often leave
   * the variant out, and an index entry without one accepts any.
   */
  static boolean sameMachine(Platform offered, Platform stated) {
    if (stated == null) {
      return false;
    }
    boolean variantsAgree =
        offered.variant() == null
            || stated.variant() == null
            || offered.variant().equals(stated.variant());
    return offered.os().equals(stated.os())
        && offered.architecture().equals(stated.architecture())
        && variantsAgree;
  }

  private static ApiException mislabelled(
      SourceImage image,
      Map.Entry<Platform, List<String>> wanted,
      IndexEntry entry,
      ImageDocument document,
      Platform stated) {
    return new ApiException(
        ErrorCode.IMAGE_PLATFORM_MISSING,
        lacks(image, "real manifest", wanted)
            + ": its index offers manifest "
            + entry.digest()
            + " for "
            + entry.platform()
            + ", but that manifest's config "
            + document.config().digest()
            + " states "
            + (stated == null ? "no platform Slipway can read" : stated.toString())
            + ". Build the image for "
            + wanted.getKey()
            + " and push an index whose entries name the platform of their configs, for example"
            + " with docker buildx build --platform "
            + wanted.getKey()
            + ",... --push");
  }

  /**
   * Reads the config of an image manifest, checks it against its digest, and returns the platform
   * it states, or null.
   */
  private static Platform configPlatform(
      RegistryClient client, SourceImage image, ImageDocument document) {
    String digest = document.config().digest();
    byte[] config = readConfig(client, image, digest);
    String actual = Manifest.sha256(config);
    if (!actual.equals(digest)) {
      throw DeployFailures.damagedBlob(
          image, digest, "its config " + digest + " has content that hashes to " + actual);
    }
    try {
      return ImageDocument.platform(JSON.readTree(config));
    } catch (JacksonException e) {
      throw corrupt(image, "its config " + digest + " is not JSON");
    }
  }

  private static byte[] readConfig(RegistryClient client, SourceImage image, String digest) {
    byte[] config;
    try (InputStream in = client.openBlob(image.repository(), digest)) {
      config = in.readNBytes(MAX_CONFIG_BYTES + 1);
    } catch (RegistryException | IOException e) {
      throw corrupt(image, "its config " + digest + " cannot be read (" + e.getMessage() + ")");
    }
    if (config.length > MAX_CONFIG_BYTES) {
      throw corrupt(image, "its config " + digest + " is larger than 4 MiB");
    }
    return config;
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
        lacks(image, "manifest", platform)
            + "; it has "
            + (available.isEmpty() ? "no platform Slipway can read" : String.join(", ", available))
            + ". Build and push it for "
            + platform.getKey()
            + " as well, for example with docker buildx build --platform "
            + platform.getKey()
            + ",... --push");
  }

  /** Returns the start of a message: the image has no {@code what} for a platform of the fleet. */
  private static String lacks(
      SourceImage image, String what, Map.Entry<Platform, List<String>> platform) {
    return "Image "
        + image.describe()
        + " of service '"
        + image.service()
        + "' has no "
        + what
        + " for platform "
        + platform.getKey()
        + ", which the fleet's device types "
        + platform.getValue()
        + " need";
  }

  private static ApiException corrupt(SourceImage image, String fault) {
    return DeployFailures.corrupt(image, fault);
  }
}
