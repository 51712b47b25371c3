package io.slipway.api.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.bundle.BundleVerifier;
import io.slipway.signing.image.ImageStatements;
import io.slipway.signing.simplesigning.SimpleSignature;
import io.slipway.signing.simplesigning.SimpleSigning;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Both signature layouts against a real registry: what is written, what reads back, idempotence,
 * several signatures for one subject and concurrent writers. Subclasses start the registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SignatureLayoutsContract {

  static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
  static final JsonMapper JSON = JsonMapper.builder().build();

  final SignatureLayouts layouts = new SignatureLayouts(Clock.fixed(NOW, ZoneOffset.UTC));

  /** Returns a client of the registry under test that may push to {@link #repository()}. */
  abstract RegistryClient client();

  /** Returns the repository the tests push their images to. */
  abstract String repository();

  Descriptor pushImage() {
    return SignatureFixtures.pushImage(client(), repository(), "v-" + UUID.randomUUID());
  }

  @Test
  void attachedBundleReadsBack() {
    Descriptor subject = pushImage();
    byte[] bundle = SignatureFixtures.bundle("one");

    layouts.attachBundle(client(), repository(), subject, bundle);

    assertThat(layouts.bundles(client(), repository(), subject.digest())).containsExactly(bundle);
  }

  @Test
  void realSignaturesVerifyAfterReadBack() {
    Descriptor subject = pushImage();
    Instant signedAt = NOW.minusSeconds(60);
    Bundle bundle =
        BundleSigner.signStatement(
            SignatureFixtures.SIGNER,
            ImageStatements.of(repository(), subject.digest(), subject.mediaType(), signedAt));
    SimpleSignature simple =
        SimpleSigning.sign(
            SignatureFixtures.SIGNER,
            client().registry() + "/" + repository(),
            subject.digest(),
            signedAt);
    TrustPolicy policy =
        TrustPolicy.of(
            TrustedKey.active(SignatureFixtures.SIGNER.publicKey(), signedAt.minusSeconds(3600)));

    layouts.attachBundle(client(), repository(), subject, bundle.toJson());
    layouts.attachSimpleSignature(
        client(), repository(), subject.digest(), simple.payload(), simple.signatureBase64());

    byte[] readBundle = layouts.bundles(client(), repository(), subject.digest()).get(0);
    assertThat(
            BundleVerifier.verifyStatement(
                    Bundle.parse(readBundle),
                    subject.digest(),
                    ImageStatements.PREDICATE_TYPE,
                    policy,
                    NOW)
                .predicateType())
        .isEqualTo(ImageStatements.PREDICATE_TYPE);
    ClassicSignature readSimple =
        layouts.simpleSignatures(client(), repository(), subject.digest()).get(0);
    assertThatCode(
            () ->
                SimpleSigning.verify(
                    readSimple.payload(), readSimple.signature(), subject.digest(), policy, NOW))
        .doesNotThrowAnyException();
  }

  @Test
  void indexAndItsManifestAreSignedApart() {
    Descriptor manifest = pushImage();
    Descriptor index =
        SignatureFixtures.pushIndex(client(), repository(), "i-" + UUID.randomUUID(), manifest);
    byte[] indexBundle = SignatureFixtures.bundle("index");
    byte[] manifestBundle = SignatureFixtures.bundle("manifest");
    byte[] payload = SignatureFixtures.payload(repository(), index.digest(), "index");
    String signature = SignatureFixtures.sign(payload);

    layouts.attachBundle(client(), repository(), index, indexBundle);
    layouts.attachBundle(client(), repository(), manifest, manifestBundle);
    layouts.attachSimpleSignature(client(), repository(), index.digest(), payload, signature);

    assertThat(layouts.bundles(client(), repository(), index.digest()))
        .containsExactly(indexBundle);
    assertThat(layouts.bundles(client(), repository(), manifest.digest()))
        .containsExactly(manifestBundle);
    assertThat(layouts.simpleSignatures(client(), repository(), index.digest()))
        .containsExactly(new ClassicSignature(payload, signature));
    assertThat(layouts.simpleSignatures(client(), repository(), manifest.digest())).isEmpty();
  }

  @Test
  void referrerManifestHasTheArtifactShape() {
    Descriptor subject = pushImage();
    byte[] bundle = SignatureFixtures.bundle("shape");

    layouts.attachBundle(client(), repository(), subject, bundle);

    JsonNode referrer = json(client().getManifest(repository(), onlyReferrer(subject)));
    assertThat(referrer.path("mediaType").asString()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(referrer.path("artifactType").asString()).isEqualTo(Bundle.MEDIA_TYPE);
    assertThat(referrer.path("config").path("mediaType").asString())
        .isEqualTo("application/vnd.oci.empty.v1+json");
    assertThat(referrer.path("config").path("digest").asString())
        .isEqualTo(Manifest.sha256("{}".getBytes(StandardCharsets.UTF_8)));
    assertThat(referrer.path("config").path("size").asLong()).isEqualTo(2);
    assertThat(referrer.path("layers")).hasSize(1);
    assertThat(referrer.path("layers").get(0).path("mediaType").asString())
        .isEqualTo(Bundle.MEDIA_TYPE);
    assertThat(referrer.path("layers").get(0).path("digest").asString())
        .isEqualTo(Manifest.sha256(bundle));
    assertThat(referrer.path("subject").path("digest").asString()).isEqualTo(subject.digest());
    assertThat(referrer.path("subject").path("mediaType").asString())
        .isEqualTo(subject.mediaType());
    assertThat(referrer.path("subject").path("size").asLong()).isEqualTo(subject.size());
    assertThat(referrer.path("annotations").path("org.opencontainers.image.created").asString())
        .isEqualTo("2026-03-04T05:06:07Z");
  }

  @Test
  void sameBundleTwiceIsAttachedOnce() {
    Descriptor subject = pushImage();
    byte[] bundle = SignatureFixtures.bundle("twice");

    layouts.attachBundle(client(), repository(), subject, bundle);
    new SignatureLayouts(Clock.systemUTC()).attachBundle(client(), repository(), subject, bundle);

    assertThat(referrers(subject)).hasSize(1);
    assertThat(layouts.bundles(client(), repository(), subject.digest())).hasSize(1);
  }

  @Test
  void twoBundlesMakeTwoReferrers() {
    Descriptor subject = pushImage();
    byte[] first = SignatureFixtures.bundle("first");
    byte[] second = SignatureFixtures.bundle("second");

    layouts.attachBundle(client(), repository(), subject, first);
    layouts.attachBundle(client(), repository(), subject, second);

    assertThat(referrers(subject)).hasSize(2);
    assertThat(layouts.bundles(client(), repository(), subject.digest()))
        .containsExactlyInAnyOrder(first, second);
  }

  @Test
  void bundlesOfAnUnsignedManifestIsEmpty() {
    Descriptor subject = pushImage();

    assertThat(layouts.bundles(client(), repository(), subject.digest())).isEmpty();
    assertThat(layouts.simpleSignatures(client(), repository(), subject.digest())).isEmpty();
  }

  @Test
  void attachedSimpleSignatureReadsBack() {
    Descriptor subject = pushImage();
    byte[] payload = SignatureFixtures.payload(repository(), subject.digest(), "one");
    String signature = SignatureFixtures.sign(payload);

    layouts.attachSimpleSignature(client(), repository(), subject.digest(), payload, signature);

    assertThat(layouts.simpleSignatures(client(), repository(), subject.digest()))
        .containsExactly(new ClassicSignature(payload, signature));
  }

  @Test
  void classicManifestHasCosignShape() {
    Descriptor subject = pushImage();
    byte[] payload = SignatureFixtures.payload(repository(), subject.digest(), "shape");
    String signature = SignatureFixtures.sign(payload);

    layouts.attachSimpleSignature(client(), repository(), subject.digest(), payload, signature);

    Manifest manifest = client().getManifest(repository(), classicTag(subject));
    JsonNode root = json(manifest);
    assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(root.path("config").path("mediaType").asString()).isEqualTo(MediaTypes.OCI_CONFIG);
    JsonNode layer = root.path("layers").get(0);
    assertThat(layer.path("mediaType").asString())
        .isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
    assertThat(layer.path("digest").asString()).isEqualTo(Manifest.sha256(payload));
    assertThat(layer.path("annotations").path("dev.cosignproject.cosign/signature").asString())
        .isEqualTo(signature);
    JsonNode config =
        JSON.readTree(
            client().readBlob(repository(), root.path("config").path("digest").asString()));
    assertThat(config.path("rootfs").path("diff_ids").get(0).asString())
        .isEqualTo(Manifest.sha256(payload));
  }

  @Test
  void sameSimpleSignatureTwiceKeepsOneLayer() {
    Descriptor subject = pushImage();
    byte[] payload = SignatureFixtures.payload(repository(), subject.digest(), "twice");
    String signature = SignatureFixtures.sign(payload);

    layouts.attachSimpleSignature(client(), repository(), subject.digest(), payload, signature);
    layouts.attachSimpleSignature(client(), repository(), subject.digest(), payload, signature);

    assertThat(classicLayers(subject)).hasSize(1);
  }

  @Test
  void twoSimpleSignaturesMakeTwoLayers() {
    Descriptor subject = pushImage();
    byte[] payload = SignatureFixtures.payload(repository(), subject.digest(), "two");
    String first = SignatureFixtures.sign(payload);
    String second = SignatureFixtures.sign(payload);

    layouts.attachSimpleSignature(client(), repository(), subject.digest(), payload, first);
    layouts.attachSimpleSignature(client(), repository(), subject.digest(), payload, second);

    assertThat(classicLayers(subject)).hasSize(2);
    assertThat(layouts.simpleSignatures(client(), repository(), subject.digest()))
        .containsExactly(
            new ClassicSignature(payload, first), new ClassicSignature(payload, second));
  }

  @Test
  void concurrentAttachesAllLand() throws Exception {
    Descriptor subject = pushImage();
    int writers = 8;
    List<Callable<Void>> tasks = new ArrayList<>();
    List<ClassicSignature> expectedSignatures = new ArrayList<>();
    List<byte[]> expectedBundles = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      byte[] payload = SignatureFixtures.payload(repository(), subject.digest(), "writer-" + i);
      ClassicSignature signature = new ClassicSignature(payload, SignatureFixtures.sign(payload));
      byte[] bundle = SignatureFixtures.bundle("writer-" + i);
      expectedSignatures.add(signature);
      expectedBundles.add(bundle);
      tasks.add(
          () -> {
            layouts.attachSimpleSignature(
                client(), repository(), subject.digest(), payload, signature.signatureBase64());
            layouts.attachBundle(client(), repository(), subject, bundle);
            return null;
          });
    }

    runConcurrently(tasks);

    assertThat(layouts.simpleSignatures(client(), repository(), subject.digest()))
        .containsExactlyInAnyOrderElementsOf(expectedSignatures);
    assertThat(layouts.bundles(client(), repository(), subject.digest()))
        .containsExactlyInAnyOrderElementsOf(expectedBundles);
  }

  @Test
  void concurrentAttachesToManySubjectsAllLand() throws Exception {
    List<Descriptor> subjects = new ArrayList<>();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Descriptor subject = pushImage();
      byte[] bundle = SignatureFixtures.bundle("subject-" + i);
      subjects.add(subject);
      tasks.add(
          () -> {
            layouts.attachBundle(client(), repository(), subject, bundle);
            return null;
          });
    }

    runConcurrently(tasks);

    for (Descriptor subject : subjects) {
      assertThat(layouts.bundles(client(), repository(), subject.digest())).hasSize(1);
    }
  }

  @Test
  void malformedSubjectDigestIsRejected() {
    byte[] payload = SignatureFixtures.payload(repository(), "sha256:1", "bad");

    assertThatThrownBy(
            () ->
                layouts.attachSimpleSignature(
                    client(), repository(), "sha256:1", payload, SignatureFixtures.sign(payload)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'sha256:1'");
  }

  @Test
  void signatureThatIsNotBase64IsRejected() {
    Descriptor subject = pushImage();
    byte[] payload = SignatureFixtures.payload(repository(), subject.digest(), "bad");

    assertThatThrownBy(
            () ->
                layouts.attachSimpleSignature(
                    client(), repository(), subject.digest(), payload, "not base64!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'not base64!'");
  }

  @Test
  void classicTagWithIndexIsRejected() {
    Descriptor subject = pushImage();
    String tag = classicTag(subject);
    Manifest index =
        Manifest.of(
            MediaTypes.OCI_INDEX,
            ("{\"schemaVersion\":2,\"mediaType\":\""
                    + MediaTypes.OCI_INDEX
                    + "\",\"manifests\":[]}")
                .getBytes(StandardCharsets.UTF_8));
    client().putManifest(repository(), tag, index);
    byte[] payload = SignatureFixtures.payload(repository(), subject.digest(), "clash");

    assertThatThrownBy(
            () ->
                layouts.attachSimpleSignature(
                    client(),
                    repository(),
                    subject.digest(),
                    payload,
                    SignatureFixtures.sign(payload)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(tag);
  }

  /** Runs every task on a thread of its own at once, and rethrows the first failure. */
  static void runConcurrently(List<Callable<Void>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      for (Future<Void> result : pool.invokeAll(tasks)) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Returns the digests of the bundle referrers of {@code subject}, wherever they are listed. */
  abstract List<String> referrers(Descriptor subject);

  String onlyReferrer(Descriptor subject) {
    List<String> referrers = referrers(subject);
    assertThat(referrers).hasSize(1);
    return referrers.get(0);
  }

  JsonNode classicLayers(Descriptor subject) {
    return json(client().getManifest(repository(), classicTag(subject))).path("layers");
  }

  static String classicTag(Descriptor subject) {
    return subject.digest().replace(':', '-') + ".sig";
  }

  static JsonNode json(Manifest manifest) {
    return JSON.readTree(manifest.bytes());
  }
}
