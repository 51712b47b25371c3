package io.slipway.api.deploy;

import io.slipway.api.deploy.CheckedImage.PlatformManifest;
import io.slipway.api.deploy.ImageDocument.BlobDescriptor;
import io.slipway.api.error.ApiException;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The third step of a deploy: reads every blob of the chosen manifests (config and layers) through
 * the registry and checks its size and SHA-256 against its descriptor. A blob shared by several
 * manifests of one repository is read once. Stateless and safe for concurrent use.
 */
@Component
public class BlobVerifier {

  private static final Logger log = LoggerFactory.getLogger(BlobVerifier.class);
  private static final int BUFFER = 64 * 1024;

  /**
   * Verifies the blobs of every chosen manifest.
   *
   * @throws ApiException {@code IMAGE_CORRUPT} naming the service, image, platform and digest of
   *     the first blob that is missing, of another size, or of other content
   */
  public void verify(RegistryClient client, List<CheckedImage> images) {
    Set<String> verified = new HashSet<>();
    for (CheckedImage image : images) {
      long bytes = 0;
      for (PlatformManifest chosen : image.distinctManifests()) {
        for (BlobDescriptor blob : chosen.document().blobs()) {
          if (verified.add(image.source().repository() + "@" + blob.digest())) {
            bytes += verify(client, image.source(), chosen, blob);
          }
        }
      }
      log.info(
          "Verified {} bytes of blobs of {} for service {}",
          bytes,
          image.source().describe(),
          image.source().service());
    }
  }

  private static long verify(
      RegistryClient client, SourceImage image, PlatformManifest chosen, BlobDescriptor blob) {
    MessageDigest sha256 = sha256();
    long size = 0;
    try (InputStream in = client.openBlob(image.repository(), blob.digest())) {
      byte[] buffer = new byte[BUFFER];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        sha256.update(buffer, 0, read);
        size += read;
        if (size > blob.size()) {
          break;
        }
      }
    } catch (RegistryException e) {
      if (e.status() == 404) {
        throw fault(image, chosen, blob, "is missing from the registry");
      }
      throw DeployFailures.registry(image, e);
    } catch (IOException e) {
      throw fault(image, chosen, blob, "could not be read to the end (" + e.getMessage() + ")");
    }
    if (size != blob.size()) {
      throw damaged(
          image,
          chosen,
          blob,
          "holds "
              + (size > blob.size() ? "more than " + blob.size() : String.valueOf(size))
              + " bytes where its descriptor states "
              + blob.size());
    }
    String actual = "sha256:" + HexFormat.of().formatHex(sha256.digest());
    if (!actual.equals(blob.digest())) {
      throw damaged(image, chosen, blob, "has content that hashes to " + actual);
    }
    return size;
  }

  /** Returns the error for a blob that is missing or could not be read. */
  private static ApiException fault(
      SourceImage image, PlatformManifest chosen, BlobDescriptor blob, String what) {
    return DeployFailures.corrupt(image, describe(chosen, blob, what));
  }

  /** Returns the error for a stored blob whose size or content contradicts its digest. */
  private static ApiException damaged(
      SourceImage image, PlatformManifest chosen, BlobDescriptor blob, String what) {
    return DeployFailures.damagedBlob(image, blob.digest(), describe(chosen, blob, what));
  }

  private static String describe(PlatformManifest chosen, BlobDescriptor blob, String what) {
    String kind = blob.equals(chosen.document().config()) ? "config" : "layer";
    return "the "
        + kind
        + " blob "
        + blob.digest()
        + " of its "
        + chosen.offered()
        + " manifest "
        + chosen.manifest().digest()
        + " "
        + what;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
