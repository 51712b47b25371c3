package io.slipway.api.osimage;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.DeviceTypeCatalog;
import io.slipway.api.identity.Identity;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.configure.ImageConfigurer;
import io.slipway.osimage.configure.ImageConfigurer.ConfigureResult;
import io.slipway.osimage.configure.ImageConfigurer.PreparedImage;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.osimage.image.ProgressListener;
import io.slipway.storage.ObjectTooLargeException;
import io.slipway.storage.StorageKey;
import io.slipway.storage.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Uploads, lists and deletes base OS images, after the caller's access was checked. An upload is
 * streamed to a temporary object, checked against the SHA-256 the uploader stated, and read as a
 * disk image with a boot partition. Only then is it moved to its key and listed. Safe for
 * concurrent use.
 */
@Service
public class OsImageService {

  private static final Logger log = LoggerFactory.getLogger(OsImageService.class);

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final OsImageRepository images;
  private final OsImageBlobs blobs;
  private final ImageConfigurer configurer;
  private final DeviceTypeCatalog deviceTypes;
  private final OsImageProperties properties;
  private final AuditLog audit;
  private final TransactionTemplate transactions;
  private final Clock clock;

  OsImageService(
      OsImageRepository images,
      OsImageBlobs blobs,
      ImageConfigurer configurer,
      DeviceTypeCatalog deviceTypes,
      OsImageProperties properties,
      AuditLog audit,
      TransactionTemplate transactions,
      Clock clock) {
    this.images = images;
    this.blobs = blobs;
    this.configurer = configurer;
    this.deviceTypes = deviceTypes;
    this.properties = properties;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * The body of an upload.
   *
   * @param stream the file's bytes, which the caller closes
   * @param declaredLength its length as the client declared it, or -1 when it declared none
   */
  public record Body(InputStream stream, long declaredLength) {}

  /**
   * The outcome of an upload.
   *
   * @param image the stored image
   * @param created false when the same file was stored under that version before
   */
  public record Upload(StoredOsImage image, boolean created) {}

  /**
   * Stores {@code content} as the image of {@code deviceType} at {@code version}. Uploading the
   * same file again for the same version changes nothing and succeeds.
   *
   * @param sha256 the SHA-256 of {@code content} as the uploader computed it, 64 hex digits
   * @throws ApiException {@code UNKNOWN_DEVICE_TYPE}, {@code INVALID_OS_IMAGE_VERSION}, {@code
   *     INVALID_PARAMETER} for a malformed digest, {@code OS_IMAGE_VERSION_TAKEN} when the version
   *     has another file, {@code OS_IMAGE_TOO_LARGE}, {@code OS_IMAGE_DIGEST_MISMATCH}, and the
   *     image check's codes ({@link OsImageErrors#ofUpload})
   */
  public Upload upload(
      Identity who, String deviceType, String version, String sha256, Body content) {
    String type = requireDeviceType(deviceType);
    OsVersion osVersion = new OsVersion(version);
    String digest = requireSha256(sha256);
    String name = type + " " + osVersion;
    if (content.declaredLength() > properties.maxUploadSize().toBytes()) {
      throw tooLarge(name);
    }
    Optional<StoredOsImage> existing = images.find(type, osVersion.value());
    if (existing.isPresent() && !existing.get().sha256().equals(digest)) {
      throw versionTaken(existing.get(), digest);
    }

    StorageKey upload = OsImageBlobs.newUploadKey();
    try {
      WriteResult written = receive(upload, content.stream(), name);
      requireDigest(written, digest, name);
      Inspection inspection = inspect(upload, name);
      blobs.publish(upload, digest);
      StoredOsImage image =
          new StoredOsImage(
              0,
              type,
              osVersion.value(),
              digest,
              written.size(),
              inspection.rawSize(),
              inspection.format().extension(),
              inspection.bootLabel(),
              who.subject(),
              clock.millis(),
              null);
      return record(who, image);
    } finally {
      blobs.deleteQuietly(upload);
    }
  }

  /** Returns the stored images, of {@code deviceType} only when it is not null, newest first. */
  public List<StoredOsImage> list(String deviceType) {
    if (deviceType != null) {
      requireDeviceType(deviceType);
    }
    return images.list(deviceType);
  }

  /**
   * Returns the image of {@code deviceType} at {@code version}, or its newest when {@code version}
   * is null.
   *
   * @throws ApiException {@code OS_IMAGE_NOT_FOUND} naming what is missing
   */
  public StoredOsImage find(String deviceType, String version) {
    if (version == null) {
      return images
          .findNewest(deviceType)
          .orElseThrow(
              () ->
                  new ApiException(
                      ErrorCode.OS_IMAGE_NOT_FOUND,
                      "No OS image is uploaded for device type '"
                          + deviceType
                          + "': ask a server administrator to upload one with POST"
                          + " /api/v1/os-images"));
    }
    OsVersion osVersion = new OsVersion(version);
    return images
        .find(deviceType, osVersion.value())
        .orElseThrow(() -> notFound(deviceType, osVersion.value()));
  }

  /**
   * Prepares the stored file of {@code image} with {@code files} for its boot partition; the caller
   * closes it.
   *
   * @throws OsImageException for every problem with the image or the files
   */
  PreparedImage prepare(StoredOsImage image, SortedMap<String, byte[]> files) throws IOException {
    return prepare(OsImageBlobs.key(image.sha256()), nameOf(image), files);
  }

  /**
   * Deletes the image of {@code deviceType} at {@code version}, and its blob when no other version
   * shares it.
   *
   * @throws ApiException {@code OS_IMAGE_NOT_FOUND} when there is none
   */
  public void delete(Identity who, String deviceType, String version) {
    StoredOsImage image =
        images.find(deviceType, version).orElseThrow(() -> notFound(deviceType, version));
    boolean deleted =
        Boolean.TRUE.equals(
            transactions.execute(
                status -> {
                  if (!images.delete(image.id())) {
                    return false;
                  }
                  audit.record(
                      who, "os-image.deleted", "os-image", nameOf(image), null, details(image));
                  return true;
                }));
    if (!deleted) {
      throw notFound(deviceType, version);
    }
    // NOTE: an upload of the same file for another version, running at this moment, may have
    // moved the blob into place without having inserted its row yet. Deleting the blob then leaves
    // that row without content, and its downloads fail until the file is uploaded again.
    if (images.countBySha256(image.sha256()) == 0) {
      blobs.deleteQuietly(OsImageBlobs.key(image.sha256()));
    }
    log.info(
        "OS image {} (sha256:{}) deleted by '{}'", nameOf(image), image.sha256(), who.subject());
  }

  private WriteResult receive(StorageKey upload, InputStream content, String name) {
    long maxBytes = properties.maxUploadSize().toBytes();
    try {
      return blobs.write(upload, content, maxBytes);
    } catch (ObjectTooLargeException e) {
      throw tooLarge(name);
    }
  }

  private ApiException tooLarge(String name) {
    return new ApiException(
        ErrorCode.OS_IMAGE_TOO_LARGE,
        "OS image "
            + name
            + " is larger than slipway.os-images.max-upload-size ("
            + properties.maxUploadSize().toBytes()
            + " bytes): compress it (img.xz or img.zst) or raise the setting");
  }

  private static void requireDigest(WriteResult written, String expected, String name) {
    if (!written.sha256Hex().equals(expected)) {
      throw new ApiException(
          ErrorCode.OS_IMAGE_DIGEST_MISMATCH,
          "OS image "
              + name
              + " of "
              + written.size()
              + " bytes has SHA-256 "
              + written.sha256Hex()
              + ", not "
              + expected
              + " as stated: upload the file again, or state its digest as sha256sum prints it");
    }
  }

  /** The result of the image check of an upload. */
  private record Inspection(ImageFormat format, long rawSize, String bootLabel) {}

  /**
   * Reads the upload as a download would, configured with no files, to its end. A file that is no
   * disk image, has no boot partition, or is a broken or truncated archive thus fails now and not
   * in the middle of its first download. Reading it whole also gives the raw size, which a gzip
   * file does not state.
   */
  private Inspection inspect(StorageKey upload, String name) {
    ImageFormat format;
    try (InputStream head = blobs.read(upload)) {
      format = PackingDetector.detect(head);
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the uploaded OS image " + name + " failed", e);
    }

    try (PreparedImage prepared = prepare(upload, name, new TreeMap<>())) {
      ConfigureResult result =
          prepared.writeTo(
              OutputStream.nullOutputStream(), ImageFormat.IMG, name, ProgressListener.NONE);
      return new Inspection(format, result.rawSize(), prepared.bootLabel());
    } catch (OsImageException e) {
      throw OsImageErrors.ofUpload(name, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the uploaded OS image " + name + " failed", e);
    }
  }

  /**
   * Prepares the stored object {@code key} with {@code files}: from its local file when the store
   * keeps one, which lets the configurer check every zip entry before it reads the image and know
   * more raw sizes in advance, else from a stream.
   */
  private PreparedImage prepare(StorageKey key, String name, SortedMap<String, byte[]> files)
      throws IOException {
    Optional<Path> file = blobs.localFile(key);
    if (file.isPresent()) {
      return configurer.prepare(file.get(), name, files, clock.millis());
    }
    return configurer.prepare(() -> blobs.read(key), name, files, clock.millis());
  }

  private Upload record(Identity who, StoredOsImage image) {
    try {
      transactions.executeWithoutResult(
          status -> {
            images.insert(image);
            audit.record(who, "os-image.uploaded", "os-image", nameOf(image), null, details(image));
          });
    } catch (DuplicateKeyException e) {
      // Another upload of the same version won the race.
      StoredOsImage winner = images.find(image.deviceType(), image.version()).orElseThrow(() -> e);
      if (!winner.sha256().equals(image.sha256())) {
        throw versionTaken(winner, image.sha256());
      }
      return new Upload(winner, false);
    }
    StoredOsImage stored = images.find(image.deviceType(), image.version()).orElseThrow();
    log.info(
        "OS image {} (sha256:{}, {}, {} bytes) uploaded by '{}'",
        nameOf(stored),
        stored.sha256(),
        stored.format(),
        stored.size(),
        who.subject());
    return new Upload(stored, true);
  }

  private String requireDeviceType(String slug) {
    if (slug == null || deviceTypes.find(slug).isEmpty()) {
      throw new ApiException(
          ErrorCode.UNKNOWN_DEVICE_TYPE,
          "Unknown device type '"
              + slug
              + "': use one of "
              + String.join(", ", deviceTypes.slugs()));
    }
    return slug;
  }

  private static String requireSha256(String sha256) {
    String normalized = sha256 == null ? "" : sha256.strip().toLowerCase(Locale.ROOT);
    if (normalized.startsWith("sha256:")) {
      normalized = normalized.substring("sha256:".length());
    }
    if (!SHA256.matcher(normalized).matches()) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "Parameter 'sha256' is '"
              + sha256
              + "': give the file's SHA-256 as 64 hex digits, as sha256sum prints it");
    }
    return normalized;
  }

  private static Map<String, Object> details(StoredOsImage image) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("deviceType", image.deviceType());
    details.put("version", image.version());
    details.put("sha256", image.sha256());
    details.put("size", image.size());
    details.put("format", image.format());
    return details;
  }

  static String nameOf(StoredOsImage image) {
    return image.deviceType() + "/" + image.version();
  }

  private static ApiException versionTaken(StoredOsImage existing, String digest) {
    return new ApiException(
        ErrorCode.OS_IMAGE_VERSION_TAKEN,
        "OS image "
            + nameOf(existing)
            + " is stored with SHA-256 "
            + existing.sha256()
            + ", not "
            + digest
            + ": give the new image another version, or delete the stored one first");
  }

  static ApiException notFound(String deviceType, String version) {
    return new ApiException(
        ErrorCode.OS_IMAGE_NOT_FOUND,
        "No OS image "
            + deviceType
            + "/"
            + version
            + " is stored: list them with GET /api/v1/os-images?deviceType="
            + deviceType);
  }
}
