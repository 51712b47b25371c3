package io.slipway.delta.image;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a platform image's manifest and config from an {@link ImageContent}, checking each against
 * its digest. Stateless and thread-safe.
 */
public final class ImageReader {

  /** The OCI image manifest media type. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** The Docker schema 2 image manifest media type. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** The largest manifest read, in bytes; registries commonly reject manifests over 4 MiB. */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  /** The largest config read, in bytes. */
  public static final int MAX_CONFIG_BYTES = 16 * 1024 * 1024;

  private ImageReader() {}

  /**
   * Reads the platform manifest {@code manifestDigest} and its config.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when the manifest is an index, does not parse, or
   *     its layer count differs from the config's diff_ids; {@code DIGEST_MISMATCH} when a blob
   *     hashes to another digest; {@code WRONG_SOURCE} when a blob is absent; {@code IO} when
   *     reading fails
   */
  public static Image read(ImageContent content, Digest manifestDigest) {
    byte[] manifestBytes = readBlob(content, manifestDigest, MAX_MANIFEST_BYTES, "manifest");
    PlatformManifest manifest = parseManifest(manifestDigest, manifestBytes);
    byte[] configBytes = readBlob(content, manifest.config().digest(), MAX_CONFIG_BYTES, "config");
    if (configBytes.length != manifest.config().size()) {
      throw invalid(
          "Manifest "
              + manifestDigest
              + " gives its config "
              + manifest.config().size()
              + " bytes, but it has "
              + configBytes.length);
    }
    return withConfig(manifest, configBytes);
  }

  /**
   * Parses {@code bytes} as the platform manifest {@code digest}; the caller has checked the
   * digest.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when it is an index or does not parse
   */
  public static PlatformManifest parseManifest(Digest digest, byte[] bytes) {
    return ImageJson.manifest(digest, bytes);
  }

  /**
   * Builds the image from {@code manifest} and its config's bytes; the caller has checked the
   * config's digest.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when the config does not parse or lists another
   *     number of diff_ids than the manifest has layers
   */
  public static Image withConfig(PlatformManifest manifest, byte[] configBytes) {
    Digest configDigest = manifest.config().digest();
    List<String> diffIds = ImageJson.diffIds(configBytes, manifest);
    if (diffIds.size() != manifest.layers().size()) {
      throw invalid(
          "Config "
              + configDigest
              + " lists "
              + diffIds.size()
              + " diff_ids, but manifest "
              + manifest.digest()
              + " has "
              + manifest.layers().size()
              + " layers");
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      layers.add(new Layer(manifest.layers().get(i), digest(diffIds.get(i), "diff_id " + i)));
    }
    return new Image(
        manifest.digest(),
        manifest.mediaType(),
        manifest.bytes(),
        manifest.config(),
        configBytes,
        layers);
  }

  private static byte[] readBlob(ImageContent content, Digest digest, int maxBytes, String what) {
    byte[] bytes;
    try (InputStream in = content.open(digest)) {
      bytes = readAtMost(in, maxBytes, what + " " + digest);
    } catch (NoSuchFileException e) {
      throw new DeltaException(
          DeltaFailure.WRONG_SOURCE, "The image lacks its " + what + " blob " + digest, e);
    } catch (IOException e) {
      throw new DeltaException(
          DeltaFailure.IO, "Reading the " + what + " blob " + digest + " failed: " + e, e);
    }
    Digest actual = Digest.of(bytes);
    if (!actual.equals(digest)) {
      throw new DeltaException(
          DeltaFailure.DIGEST_MISMATCH,
          "The " + what + " blob " + digest + " hashes to " + actual + "; the store is corrupt");
    }
    return bytes;
  }

  private static byte[] readAtMost(InputStream in, int maxBytes, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int read;
    while ((read = in.read(buffer)) >= 0) {
      out.write(buffer, 0, read);
      if (out.size() > maxBytes) {
        throw invalid("The " + what + " is larger than " + maxBytes + " bytes");
      }
    }
    return out.toByteArray();
  }

  private static Digest digest(String value, String what) {
    try {
      return Digest.of(value);
    } catch (IllegalArgumentException e) {
      throw invalid("The digest of " + what + " is invalid: " + e.getMessage());
    }
  }

  private static DeltaException invalid(String message) {
    return new DeltaException(DeltaFailure.INVALID_IMAGE, message);
  }
}
