package io.slipway.api.signature;

import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.Referrer;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import io.slipway.signing.bundle.Bundle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stores signatures next to the manifests they sign, in the two layouts that tools read:
 *
 * <ul>
 *   <li>a Sigstore bundle as an OCI 1.1 referrer: an artifact manifest whose {@code subject} is the
 *       signed manifest, found through the referrers API, or through the fallback index at tag
 *       {@code sha256-HEX} on a registry without that API;
 *   <li>a simple-signing payload and its signature in cosign's classic layout, one layer of the
 *       manifest at tag {@code sha256-HEX.sig}.
 * </ul>
 *
 * <p>Both writes are idempotent. Both read, modify and write a tag, so writes for one subject
 * (registry, repository and digest) run one at a time in this JVM; see {@link SubjectLocks} for the
 * limit of that. Thread-safe.
 */
@Component
public class SignatureLayouts {

  private static final Logger log = LoggerFactory.getLogger(SignatureLayouts.class);
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final Clock clock;
  private final SubjectLocks locks = new SubjectLocks();

  /**
   * @param clock the source of each referrer's {@code org.opencontainers.image.created} time
   */
  public SignatureLayouts(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Attaches {@code bundleJson} to {@code subject} as a referrer manifest pushed by digest. When
   * the registry has no referrers API, the referrer is also added to the fallback index at tag
   * {@code sha256-HEX}. Does nothing when a referrer of the same bundle is already listed.
   *
   * @param repository the repository holding {@code subject}, which receives the referrer
   * @param subject the signed manifest's descriptor; its platform is ignored
   * @param bundleJson the bundle exactly as it is to be stored
   * @throws IllegalArgumentException when the bundle is empty
   * @throws RegistryException when the registry rejects a request, or the fallback tag points to
   *     something other than an OCI index
   */
  public void attachBundle(
      RegistryClient client, String repository, Descriptor subject, byte[] bundleJson) {
    Objects.requireNonNull(subject, "subject");
    if (bundleJson == null || bundleJson.length == 0) {
      throw new IllegalArgumentException(
          "The bundle for " + repository + "@" + subject.digest() + " is empty");
    }
    locks.with(
        key(client, repository, subject.digest()),
        () -> {
          attachBundleLocked(client, repository, subject, bundleJson);
          return null;
        });
  }

  private void attachBundleLocked(
      RegistryClient client, String repository, Descriptor subject, byte[] bundleJson) {
    String digest = subject.digest();
    String bundleDigest = client.pushBlob(repository, bundleJson);
    Optional<List<Referrer>> viaApi = client.referrers(repository, digest, Bundle.MEDIA_TYPE);
    List<Referrer> listed = viaApi.orElseGet(() -> fallbackReferrers(client, repository, digest));
    if (listsBundle(client, repository, digest, listed, bundleDigest)) {
      log.debug(
          "Bundle {} is already attached to {}/{}@{}",
          bundleDigest,
          client.registry(),
          repository,
          digest);
      return;
    }

    client.pushBlob(repository, ReferrerManifest.EMPTY_CONFIG);
    Manifest referrer =
        ReferrerManifest.of(subject, bundleDigest, bundleJson.length, clock.instant());
    client.putManifest(repository, referrer.digest(), referrer);
    if (viaApi.isEmpty()) {
      addToFallbackIndex(client, repository, digest, referrer);
    }
    log.info(
        "Attached bundle {} to {}/{}@{} as referrer {}, listed by {}",
        bundleDigest,
        client.registry(),
        repository,
        digest,
        referrer.digest(),
        viaApi.isPresent() ? "the referrers API" : "fallback tag " + FallbackIndex.tag(digest));
  }

  /** Returns true when one of {@code listed} is a referrer of the bundle blob {@code bundle}. */
  private static boolean listsBundle(
      RegistryClient client,
      String repository,
      String subjectDigest,
      List<Referrer> listed,
      String bundle) {
    for (Referrer referrer : listed) {
      Manifest manifest = client.getManifest(repository, referrer.digest());
      if (bundleLayers(repository, manifest, subjectDigest).contains(bundle)) {
        return true;
      }
    }
    return false;
  }

  private static void addToFallbackIndex(
      RegistryClient client, String repository, String subjectDigest, Manifest referrer) {
    String tag = FallbackIndex.tag(subjectDigest);
    Optional<Manifest> existing = client.findManifest(repository, tag);
    Optional<Manifest> updated;
    try {
      updated = FallbackIndex.adding(existing, referrer);
    } catch (IllegalArgumentException e) {
      throw invalidTag(repository, tag, e);
    }
    if (updated.isPresent()) {
      client.putManifest(repository, tag, updated.get());
    }
  }

  /**
   * Adds one signature to the classic manifest at tag {@code sha256-HEX.sig}, creating it when
   * absent. Does nothing when a layer with the same payload and signature is already there. The
   * same payload with another signature gets a layer of its own.
   *
   * @param subjectDigest the signed manifest's digest, {@code sha256:} and 64 hex digits
   * @param payload the simple-signing JSON that was signed
   * @param signatureBase64 the DER signature over {@code payload}, standard base64
   * @throws IllegalArgumentException when the digest, payload or signature is malformed
   * @throws RegistryException when the registry rejects a request or the tag points to a document
   *     that is not an image manifest
   */
  public void attachSimpleSignature(
      RegistryClient client,
      String repository,
      String subjectDigest,
      byte[] payload,
      String signatureBase64) {
    requireDigest(subjectDigest);
    ClassicSignature signature = new ClassicSignature(payload, signatureBase64);
    locks.with(
        key(client, repository, subjectDigest),
        () -> {
          attachSimpleSignatureLocked(client, repository, subjectDigest, signature);
          return null;
        });
  }

  private static void attachSimpleSignatureLocked(
      RegistryClient client, String repository, String subjectDigest, ClassicSignature signature) {
    String tag = ClassicManifest.tag(subjectDigest);
    byte[] payload = signature.payload();
    String payloadDigest = client.pushBlob(repository, payload);
    List<ObjectNode> layers =
        client
            .findManifest(repository, tag)
            .map(manifest -> classicLayers(repository, tag, manifest))
            .orElseGet(ArrayList::new);
    if (ClassicManifest.contains(layers, payloadDigest, signature.signatureBase64())) {
      log.debug(
          "Simple signature of payload {} is already at {}/{}:{}",
          payloadDigest,
          client.registry(),
          repository,
          tag);
      return;
    }

    layers.add(ClassicManifest.layer(payloadDigest, payload.length, signature.signatureBase64()));
    byte[] config = ClassicManifest.config(layers);
    String configDigest = client.pushBlob(repository, config);
    client.putManifest(
        repository, tag, ClassicManifest.manifest(configDigest, config.length, layers));
    log.info(
        "Attached simple signature of payload {} to {}/{}@{} at tag {}, now {} signatures",
        payloadDigest,
        client.registry(),
        repository,
        subjectDigest,
        tag,
        layers.size());
  }

  /**
   * Reads every bundle attached to {@code subjectDigest}: those the referrers API lists, and those
   * the fallback tag {@code sha256-HEX} lists, which a registry without the API relies on and a
   * registry that gained the API later may still have. Referrers whose manifest names another
   * subject are skipped. Nothing here is verified; callers verify each bundle.
   *
   * @return each bundle's JSON, in listing order, without repeats
   * @throws RegistryException when the registry fails or a listed document is malformed
   */
  public List<byte[]> bundles(RegistryClient client, String repository, String subjectDigest) {
    requireDigest(subjectDigest);
    Map<String, Referrer> listed = new LinkedHashMap<>();
    client
        .referrers(repository, subjectDigest, Bundle.MEDIA_TYPE)
        .ifPresent(referrers -> referrers.forEach(r -> listed.putIfAbsent(r.digest(), r)));
    fallbackReferrers(client, repository, subjectDigest)
        .forEach(r -> listed.putIfAbsent(r.digest(), r));

    Map<String, byte[]> bundles = new LinkedHashMap<>();
    for (Referrer referrer : listed.values()) {
      Manifest manifest = client.getManifest(repository, referrer.digest());
      List<String> layers = bundleLayers(repository, manifest, subjectDigest);
      if (layers.isEmpty()) {
        log.warn(
            "Referrer {} of {}/{}@{} is listed as a bundle, but its manifest has no bundle"
                + " layer for that subject; skipped",
            referrer.digest(),
            client.registry(),
            repository,
            subjectDigest);
      }
      for (String layer : layers) {
        bundles.computeIfAbsent(layer, digest -> client.readBlob(repository, digest));
      }
    }
    return List.copyOf(bundles.values());
  }

  /**
   * Reads every signature of the classic manifest at tag {@code sha256-HEX.sig}. Layers of another
   * media type or without the signature annotation are skipped. Nothing here is verified.
   *
   * @return the signatures in layer order, empty when the tag does not exist
   * @throws RegistryException when the registry fails or the manifest is malformed
   */
  public List<ClassicSignature> simpleSignatures(
      RegistryClient client, String repository, String subjectDigest) {
    requireDigest(subjectDigest);
    String tag = ClassicManifest.tag(subjectDigest);
    Optional<Manifest> manifest = client.findManifest(repository, tag);
    if (manifest.isEmpty()) {
      return List.of();
    }
    List<ClassicSignature> signatures = new ArrayList<>();
    for (ObjectNode layer : classicLayers(repository, tag, manifest.get())) {
      String signature = ClassicManifest.signatureOf(layer);
      if (!ClassicManifest.isSignature(layer) || signature == null) {
        log.warn(
            "Layer {} of {}/{}:{} is not a simple-signing payload or lacks the signature"
                + " annotation; skipped",
            layer.path("digest").asString(""),
            client.registry(),
            repository,
            tag);
        continue;
      }
      byte[] payload = client.readBlob(repository, layer.path("digest").asString(""));
      signatures.add(new ClassicSignature(payload, signature));
    }
    return signatures;
  }

  /** Returns the bundle referrers the fallback tag lists, or none when the tag does not exist. */
  private static List<Referrer> fallbackReferrers(
      RegistryClient client, String repository, String subjectDigest) {
    String tag = FallbackIndex.tag(subjectDigest);
    return client
        .findManifest(repository, tag)
        .map(index -> parse(repository, tag, () -> Referrer.listFrom(index.bytes())))
        .orElse(List.of())
        .stream()
        .filter(referrer -> Bundle.MEDIA_TYPE.equals(referrer.artifactType()))
        .toList();
  }

  private static List<String> bundleLayers(
      String repository, Manifest manifest, String subjectDigest) {
    return parse(
        repository,
        manifest.digest(),
        () -> ReferrerManifest.bundleLayers(manifest, subjectDigest));
  }

  private static List<ObjectNode> classicLayers(String repository, String tag, Manifest manifest) {
    return parse(repository, tag, () -> ClassicManifest.layers(manifest));
  }

  /** Runs {@code parser} over a document read from the registry, naming it when it fails. */
  private static <T> T parse(String repository, String reference, Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw invalidTag(repository, reference, e);
    }
  }

  private static RegistryException invalidTag(
      String repository, String reference, IllegalArgumentException cause) {
    return new RegistryException(
        repository,
        reference,
        200,
        cause.getMessage() + "; it is not a signature layout Slipway can read or extend",
        cause);
  }

  private static String key(RegistryClient client, String repository, String digest) {
    return client.registry() + "/" + repository + "@" + digest;
  }

  private static void requireDigest(String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "Subject digest '" + digest + "' is not sha256: and 64 lowercase hex digits");
    }
  }
}
