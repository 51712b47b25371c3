package io.slipway.api.osimage;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.provisioning.ProvisioningKeyService;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.configure.ImageConfigurer.PreparedImage;
import io.slipway.osimage.image.ImageFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Prepares a fleet's configured OS image for a download: picks the stored base image, issues a
 * config with a new provisioning key and computes the boot partition's changes, so that every
 * failure comes before the first byte is sent. A failure, before or while sending, revokes the key
 * it made. Safe for concurrent use.
 */
@Service
class OsImageDownloads {

  private static final Logger log = LoggerFactory.getLogger(OsImageDownloads.class);

  private final OsImageService images;
  private final OsConfigService configs;
  private final ProvisioningKeyService provisioningKeys;
  private final AuditLog audit;

  OsImageDownloads(
      OsImageService images,
      OsConfigService configs,
      ProvisioningKeyService provisioningKeys,
      AuditLog audit) {
    this.images = images;
    this.configs = configs;
    this.provisioningKeys = provisioningKeys;
    this.audit = audit;
  }

  /**
   * A configured image ready to be written once; closing it releases its scratch file and source.
   *
   * @param image the prepared image
   * @param fileName the download's file name, {@code FLEET-VERSION.EXTENSION}
   * @param imageName the raw image's name inside a zip, {@code FLEET-VERSION.img}
   * @param keyId the id of the provisioning key in its config.json
   */
  record Download(PreparedImage image, String fileName, String imageName, long keyId)
      implements AutoCloseable {

    @Override
    public void close() throws IOException {
      image.close();
    }
  }

  /**
   * Prepares the configured image of {@code fleet} and audits {@code os-image.downloaded}.
   *
   * @throws io.slipway.api.error.ApiException {@code OS_IMAGE_NOT_FOUND}, {@code
   *     INVALID_OS_CONFIG}, {@code OS_IMAGE_BOOT_PARTITION_FULL} or {@code OS_IMAGE_UNUSABLE}
   */
  Download prepare(
      Identity who, Fleet fleet, OsConfigOptions options, ImageFormat format, URI requestBase) {
    String version = options.version() == null ? null : options.version().value();
    StoredOsImage image = images.find(fleet.deviceType(), version);
    OsConfigService.IssuedConfig issued = configs.issue(who, fleet, options, requestBase);

    PreparedImage prepared = configure(who, fleet, image, issued);
    audit.record(
        who,
        "os-image.downloaded",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        Map.of(
            "version", image.version(),
            "format", format.extension(),
            "sha256", image.sha256(),
            "provisioningKeyId", issued.key().id()));
    log.info(
        "OS image {} for fleet {} as {} sent to '{}' with provisioning key {}",
        OsImageService.nameOf(image),
        fleet.repositoryPrefix(),
        format.extension(),
        who.subject(),
        issued.key().id());
    String base = fleet.slug() + "-" + image.version();
    return new Download(
        prepared, base + "." + format.extension(), base + ".img", issued.key().id());
  }

  private PreparedImage configure(
      Identity who, Fleet fleet, StoredOsImage image, OsConfigService.IssuedConfig issued) {
    try {
      return images.prepare(image, issued.config().bootFiles());
    } catch (OsImageException e) {
      revoke(who, fleet, issued);
      throw OsImageErrors.ofConfigure(OsImageService.nameOf(image), e);
    } catch (IOException e) {
      revoke(who, fleet, issued);
      throw new UncheckedIOException(
          "Reading OS image " + OsImageService.nameOf(image) + " failed", e);
    } catch (RuntimeException e) {
      revoke(who, fleet, issued);
      throw e;
    }
  }

  /**
   * Revokes the key of a download that broke off. The part already sent may hold config.json, and
   * no one has a complete image to flash, so the key must not register devices. A failure to revoke
   * is logged and not thrown, so it does not hide the transfer's own failure.
   */
  void revokeUnfinished(Identity who, Fleet fleet, long keyId) {
    try {
      provisioningKeys.revoke(who, fleet, keyId);
      log.warn(
          "Revoked provisioning key {} of fleet {}: its OS image download broke off",
          keyId,
          fleet.repositoryPrefix());
    } catch (RuntimeException e) {
      log.error(
          "Revoking provisioning key {} of fleet {} after a broken OS image download failed;"
              + " revoke it by hand",
          keyId,
          fleet.repositoryPrefix(),
          e);
    }
  }

  /** Revokes the key of a config that no one received, so it registers nothing. */
  private void revoke(Identity who, Fleet fleet, OsConfigService.IssuedConfig issued) {
    provisioningKeys.revoke(who, fleet, issued.key().id());
  }
}
