package io.slipway.api.releasesigning;

import io.slipway.api.signature.ClassicSignature;
import io.slipway.api.signature.SignatureLayouts;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.signing.Signer;
import io.slipway.signing.VerificationException;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.bundle.BundleVerifier;
import io.slipway.signing.image.ImageStatements;
import io.slipway.signing.simplesigning.SimpleSignature;
import io.slipway.signing.simplesigning.SimpleSigning;
import io.slipway.signing.trust.TrustPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signs an image in the registry: its index or manifest and, for an index, every manifest the index
 * lists. Each manifest digest gets both signature layouts, a Sigstore bundle as a referrer and a
 * simple-signing payload at the classic {@code sha256-HEX.sig} tag. Safe for concurrent use.
 */
@Component
public class ImageSigner {

  private static final Logger log = LoggerFactory.getLogger(ImageSigner.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SignatureLayouts layouts;

  public ImageSigner(SignatureLayouts layouts) {
    this.layouts = layouts;
  }

  /**
   * Signs the image {@code repository@digest} and the manifests its index lists.
   *
   * @param policy the server's trust policy, against which existing signatures are checked
   * @param host the registry host that devices pull from; the simple-signing payload names the
   *     image as {@code host/repository}
   * @param signedAt the signing time that each signature states
   * @return the digests that carry both layouts by the signer's key afterwards, the index or
   *     manifest first
   * @throws io.slipway.builder.registry.RegistryException when a read or write fails
   * @throws io.slipway.signing.SigningException when the signer fails
   */
  public List<String> sign(
      RegistryClient client,
      Signer signer,
      TrustPolicy policy,
      String host,
      String repository,
      String digest,
      Instant signedAt) {
    Manifest top = client.getManifest(repository, digest);
    List<Descriptor> manifests = new ArrayList<>();
    manifests.add(new Descriptor(top.mediaType(), top.digest(), top.size(), null));
    if (MediaTypes.isIndex(top.mediaType())) {
      manifests.addAll(children(top));
    }

    List<String> signed = new ArrayList<>();
    for (Descriptor manifest : manifests) {
      if (isSigned(client, signer, policy, repository, manifest.digest(), signedAt)) {
        log.debug(
            "{}@{} already carries valid signatures by key {}; not signing it again",
            repository,
            manifest.digest(),
            signer.hint());
      } else {
        signManifest(client, signer, host, repository, manifest, signedAt);
      }
      signed.add(manifest.digest());
    }
    return signed;
  }

  /**
   * Attaches both signature layouts to one manifest of {@code repository}.
   *
   * @see #sign
   */
  public void signManifest(
      RegistryClient client,
      Signer signer,
      String host,
      String repository,
      Descriptor manifest,
      Instant signedAt) {
    Bundle bundle =
        BundleSigner.signStatement(
            signer,
            ImageStatements.of(repository, manifest.digest(), manifest.mediaType(), signedAt));
    layouts.attachBundle(client, repository, manifest, bundle.toJson());

    SimpleSignature simple =
        SimpleSigning.sign(signer, host + "/" + repository, manifest.digest(), signedAt);
    layouts.attachSimpleSignature(
        client, repository, manifest.digest(), simple.payload(), simple.signatureBase64());
    log.debug(
        "Signed {}@{} with key {} in both layouts", repository, manifest.digest(), signer.hint());
  }

  /**
   * Returns true when {@code repository@digest} already has a bundle and a classic signature that
   * the signer's key made and that verify. Images shared by many releases then keep one signature
   * per key instead of gaining one per release. A signature that names the key but does not verify,
   * such as one a user with push rights wrote, does not count.
   */
  private boolean isSigned(
      RegistryClient client,
      Signer signer,
      TrustPolicy policy,
      String repository,
      String digest,
      Instant now) {
    return hasBundle(client, signer, policy, repository, digest, now)
        && hasClassicSignature(client, signer, policy, repository, digest, now);
  }

  private boolean hasBundle(
      RegistryClient client,
      Signer signer,
      TrustPolicy policy,
      String repository,
      String digest,
      Instant now) {
    for (byte[] json : layouts.bundles(client, repository, digest)) {
      try {
        Bundle bundle = Bundle.parse(json);
        if (bundle.hint().equals(signer.hint())) {
          BundleVerifier.verifyStatement(
              bundle, digest, ImageStatements.PREDICATE_TYPE, policy, now);
          return true;
        }
      } catch (VerificationException e) {
        log.warn("Ignoring an invalid bundle on {}@{}: {}", repository, digest, e.getMessage());
      }
    }
    return false;
  }

  private boolean hasClassicSignature(
      RegistryClient client,
      Signer signer,
      TrustPolicy policy,
      String repository,
      String digest,
      Instant now) {
    for (ClassicSignature signature : layouts.simpleSignatures(client, repository, digest)) {
      try {
        String hint =
            JSON.readTree(signature.payload())
                .path("optional")
                .path(SimpleSigning.KEY_HINT)
                .asString("");
        if (hint.equals(signer.hint().value())) {
          SimpleSigning.verify(signature.payload(), signature.signature(), digest, policy, now);
          return true;
        }
      } catch (VerificationException | JacksonException e) {
        log.warn(
            "Ignoring an invalid classic signature on {}@{}: {}",
            repository,
            digest,
            e.getMessage());
      }
    }
    return false;
  }

  /** Returns the descriptors of the manifests an index lists. */
  private static List<Descriptor> children(Manifest index) {
    List<Descriptor> children = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(index.bytes()).path("manifests")) {
      children.add(
          new Descriptor(
              entry.path("mediaType").asString(),
              entry.path("digest").asString(),
              entry.path("size").asLong(),
              null));
    }
    return children;
  }
}
