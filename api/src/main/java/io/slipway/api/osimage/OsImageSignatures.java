package io.slipway.api.osimage;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.signing.SigningException;
import io.slipway.signing.VerificationException;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleVerifier;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Verifies Sigstore bundles that sign base OS images against the public keys in {@code
 * slipway.os-images.trusted-keys}, and records the verified ones. A bundle is a v0.3 bundle with a
 * public-key hint and a message signature over the file as uploaded, as {@code
 * BundleSigner.signFile} makes it. Safe for concurrent use.
 */
@Service
class OsImageSignatures {

  private static final Logger log = LoggerFactory.getLogger(OsImageSignatures.class);

  private final TrustPolicy policy;
  private final OsImageRepository images;
  private final OsImageBlobs blobs;
  private final OsImageScratch scratch;
  private final AuditLog audit;
  private final Clock clock;

  /**
   * @throws IllegalArgumentException naming the entry of {@code slipway.os-images.trusted-keys}
   *     that is no ECDSA P-256 or Ed25519 public key PEM
   */
  OsImageSignatures(
      OsImageProperties properties,
      OsImageRepository images,
      OsImageBlobs blobs,
      OsImageScratch scratch,
      AuditLog audit,
      Clock clock) {
    this.policy = trustPolicy(properties.trustedKeys());
    log.info("OS image signatures: {} trusted keys", policy.keys().size());
    this.images = images;
    this.blobs = blobs;
    this.scratch = scratch;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Verifies {@code bundleJson} against the stored file of {@code deviceType} at {@code version},
   * and records it, replacing an earlier signature.
   *
   * @return the image with its signing key's hint
   * @throws ApiException {@code OS_IMAGE_NOT_FOUND}, or {@code OS_IMAGE_SIGNATURE_INVALID} naming
   *     the failed check
   */
  StoredOsImage sign(Identity who, String deviceType, String version, byte[] bundleJson) {
    StoredOsImage image =
        images
            .find(deviceType, version)
            .orElseThrow(() -> OsImageService.notFound(deviceType, version));
    String name = OsImageService.nameOf(image);
    if (policy.keys().isEmpty()) {
      throw invalid(
          name,
          "no key is trusted; set slipway.os-images.trusted-keys to the PEM public keys that"
              + " sign OS images");
    }

    Bundle bundle;
    try {
      bundle = Bundle.parse(bundleJson);
      verify(bundle, image);
    } catch (VerificationException e) {
      throw invalid(name, e.failure() + ": " + e.getMessage());
    } catch (SigningException e) {
      // Raised when an Ed25519 signature's file cannot be read into memory whole.
      throw invalid(name, e.getMessage() + "; sign large images with an ECDSA P-256 key");
    }

    images.setSignature(
        image.id(), bundle.hint().value(), new String(bundleJson, StandardCharsets.UTF_8));
    audit.record(
        who,
        "os-image.signed",
        "os-image",
        name,
        null,
        Map.of("sha256", image.sha256(), "keyHint", bundle.hint().value()));
    log.info("OS image {} (sha256:{}) signed by key {}", name, image.sha256(), bundle.hint());
    return images.find(deviceType, version).orElseThrow();
  }

  /**
   * Verifies the bundle over the stored file: in place when the store keeps it in a local file,
   * else over a copy in the scratch directory.
   */
  private void verify(Bundle bundle, StoredOsImage image) {
    Optional<Path> local = blobs.localFile(image.sha256());
    if (local.isPresent()) {
      verifyFile(bundle, local.get());
      return;
    }
    Path copy = null;
    try {
      copy = Files.createTempFile(scratch.directory(), "signed-", ".img");
      try (InputStream content = blobs.read(OsImageBlobs.key(image.sha256()))) {
        Files.copy(content, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      verifyFile(bundle, copy);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Copying OS image " + OsImageService.nameOf(image) + " to check its signature failed", e);
    } finally {
      deleteQuietly(copy);
    }
  }

  private void verifyFile(Bundle bundle, Path file) {
    // NOTE: for an Ed25519 key, which signs the message and not its digest, the verifier reads
    // the whole file into memory. Images larger than 2 GiB or than the free heap fail there, so
    // they need ECDSA P-256 keys.
    BundleVerifier.verifyFile(bundle, file, policy, null, clock.instant());
  }

  private static TrustPolicy trustPolicy(List<String> pems) {
    List<TrustedKey> keys = new ArrayList<>();
    for (int i = 0; i < pems.size(); i++) {
      try {
        keys.add(TrustedKey.active(PemKeys.parsePublicKey(pems.get(i)), Instant.EPOCH));
      } catch (SigningException e) {
        throw new IllegalArgumentException(
            "slipway.os-images.trusted-keys["
                + i
                + "] is not a usable public key: "
                + e.getMessage()
                + "; give an ECDSA P-256 or Ed25519 key as a PUBLIC KEY PEM block",
            e);
      }
    }
    return TrustPolicy.of(keys);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Deleting scratch copy {} failed; it is deleted at the next start", file, e);
    }
  }

  private static ApiException invalid(String image, String reason) {
    return new ApiException(
        ErrorCode.OS_IMAGE_SIGNATURE_INVALID,
        "Signature of OS image " + image + " rejected: " + reason);
  }
}
