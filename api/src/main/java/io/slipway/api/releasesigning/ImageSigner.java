package io.slipway.api.releasesigning;

import io.slipway.api.signature.SignatureLayouts;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.signing.Signer;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.image.ImageStatements;
import io.slipway.signing.simplesigning.SimpleSignature;
import io.slipway.signing.simplesigning.SimpleSigning;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
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
   * @param host the registry host that devices pull from; the simple-signing payload names the
   *     image as {@code host/repository}
   * @param signedAt the signing time that each signature states
   * @return the digests signed, the index or manifest first
   * @throws io.slipway.builder.registry.RegistryException when a read or write fails
   * @throws io.slipway.signing.SigningException when the signer fails
   */
  public List<String> sign(
      RegistryClient client,
      Signer signer,
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
      signManifest(client, signer, host, repository, manifest, signedAt);
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
