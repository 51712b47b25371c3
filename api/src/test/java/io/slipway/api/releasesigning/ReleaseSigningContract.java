package io.slipway.api.releasesigning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.access.Role;
import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.build.TarFixture;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.api.server.HttpTestClient;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.Referrer;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.bundle.BundleVerifier;
import io.slipway.signing.image.ImageStatements;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.keystore.SigningKeyStore;
import io.slipway.signing.keystore.StoredKey;
import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.ServiceImage;
import io.slipway.signing.simplesigning.SimpleSigning;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.image.BusyboxImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signing of every release that the running server builds with Jib or deploys from prebuilt images,
 * checked through its real registry: a bundle referrer and a classic simple signature on each index
 * and platform manifest, the release document artifact at {@code ORG/FLEET:release-N} with both
 * layouts, the per-fleet sequence, the device endpoint, acceptance by {@code @sigstore/verify} and
 * {@code openssl}, a manifest altered in storage that no longer verifies, and a release that fails
 * when no key can sign. Releases finished through the release API are signed the same way, or stay
 * running when their images lie on another registry or no key can sign. Verification uses the
 * signing library with the server's trust policy. Subclasses pick the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ReleaseSigningContract {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;
  private ServerRegistryAccess access;
  private SigningKeyStore keys;

  /** Returns a fresh database for the server of this class. */
  abstract TestDatabase database();

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(database(), dataDirectory, "--slipway.builder.engine=jib");
    access = world.context().getBean(ServerRegistryAccess.class);
    keys = world.context().getBean(SigningKeyStore.class);
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @Test
  @Order(1)
  void builtReleaseIsSignedInBothLayouts() throws InterruptedException {
    TestFleet fleet = twoPlatformFleet();
    String base = fleet.org() + "/" + fleet.slug() + "/busybox";
    RegistryCredentials credentials =
        access.credentials(fleet.org() + "/" + fleet.slug(), Duration.ofMinutes(5));
    BusyboxImages.push(
        access.registry(), base, "1.0", credentials.username(), credentials.password());

    JsonNode release = awaitFinal(fleet, build(fleet, project(base)));

    assertThat(release.path("status").asString()).as(logsOf(fleet, release)).isEqualTo("SUCCESS");
    assertReleaseSigned(fleet, release, 2);
    assertThat(logsOf(fleet, release))
        .contains("Signed 6 manifests and release document sha256:")
        .contains("with key " + keys.activeSigner().hint().value());
  }

  @Test
  @Order(2)
  void deployedReleaseIsSignedInBothLayouts() {
    TestFleet fleet = twoPlatformFleet();
    pushBusybox(fleet, "web", "1.0");

    JsonNode release = deploy(fleet, "1.0");

    assertThat(release.path("status").asString()).as(logsOf(fleet, release)).isEqualTo("SUCCESS");
    assertReleaseSigned(fleet, release, 1);
    assertThat(auditCount("release.signed", release.path("id").asLong())).isOne();
  }

  @Test
  @Order(3)
  void sequencesIncreasePerFleet() {
    TestFleet first = world.newFleet();
    TestFleet second = world.newFleet();
    pushBusybox(first, "web", "1.0");
    pushBusybox(second, "web", "1.0");

    long a1 = sequenceOf(deploy(first, "1.0"));
    long b1 = sequenceOf(deploy(second, "1.0"));
    long a2 = sequenceOf(deploy(first, "1.0"));

    assertThat(a1).isEqualTo(1);
    assertThat(b1).isEqualTo(1);
    assertThat(a2).isEqualTo(2);
    assertThat(client(first).findManifest(fleetRepository(first), "release-2")).isPresent();
  }

  @Test
  @Order(3)
  void sharedImageKeepsOneSignaturePerKey() {
    TestFleet fleet = world.newFleet();
    pushBusybox(fleet, "web", "1.0");
    deploy(fleet, "1.0");
    JsonNode second = deploy(fleet, "1.0");
    RegistryClient client = client(fleet);
    String repository = fleetRepository(fleet) + "/web";
    String index = indexDigest(second, "web");

    Manifest classic = client.getManifest(repository, "sha256-" + index.substring(7) + ".sig");

    assertThat(sequenceOf(second)).isEqualTo(2);
    assertThat(bundlesOf(client, repository, index)).hasSize(1);
    assertThat(JSON.readTree(classic.bytes()).path("layers").size()).isOne();
  }

  @Test
  @Order(4)
  void deviceReadsItsOwnSignedReleaseOnly() {
    TestFleet fleet = world.newFleet();
    TestFleet other = world.newFleet();
    pushBusybox(fleet, "web", "1.0");
    JsonNode release = deploy(fleet, "1.0");
    TestDevice device = world.device(fleet.id());
    TestDevice stranger = world.device(other.id());
    String path = "/releases/" + release.path("id").asLong() + "/signature";

    HttpResponse<String> own =
        world.call("GET", "/device/v1/" + device.uuid() + path, null, device.key());
    HttpResponse<String> foreign =
        world.call("GET", "/device/v1/" + stranger.uuid() + path, null, stranger.key());

    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    JsonNode body = ReleaseWorld.json(own);
    byte[] document = Base64.getDecoder().decode(body.path("document").asString());
    ReleaseDocument parsed = ReleaseDocument.parse(document);
    Bundle bundle = Bundle.parse(body.path("bundle").toString().getBytes());
    Statement statement =
        BundleVerifier.verifyStatement(
            bundle,
            parsed.services().get(0).indexDigest(),
            ReleaseDocument.PREDICATE_TYPE,
            keys.trustPolicy(),
            Instant.now());
    assertThat(ReleaseDocument.fromStatement(statement).digest())
        .isEqualTo(Manifest.sha256(document));
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.body()).contains("RELEASE_NOT_FOUND");
  }

  @Test
  @Order(5)
  void bundleOfAnotherManifestIsRejected() {
    TestFleet fleet = twoPlatformFleet();
    pushBusybox(fleet, "web", "1.0");
    JsonNode release = deploy(fleet, "1.0");
    String repository = fleetRepository(fleet) + "/web";
    String index = indexDigest(release, "web");
    List<String> children = childDigests(client(fleet).getManifest(repository, index));
    Bundle indexBundle = bundlesOf(client(fleet), repository, index).get(0);

    assertThatThrownBy(
            () ->
                BundleVerifier.verifyStatement(
                    indexBundle,
                    children.get(0),
                    ImageStatements.PREDICATE_TYPE,
                    keys.trustPolicy(),
                    Instant.now()))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.DIGEST_MISMATCH));
  }

  @Test
  @Order(6)
  void independentVerifiersAcceptTheSignatures(@TempDir Path scratch) throws Exception {
    TestFleet fleet = world.newFleet();
    pushBusybox(fleet, "web", "1.0");
    JsonNode release = deploy(fleet, "1.0");
    RegistryClient client = client(fleet);
    String repository = fleetRepository(fleet) + "/web";
    String index = indexDigest(release, "web");
    Map<String, String> trusted = new LinkedHashMap<>();
    for (StoredKey key : keys.keys()) {
      trusted.put(key.hint().value(), PemKeys.publicKeyPem(key.publicKey()));
    }
    Manifest artifact =
        client.getManifest(
            fleetRepository(fleet),
            ReleaseArtifact.tag(release.path("signature").path("sequence").asLong()));
    JsonNode classic =
        JSON.readTree(
                client.getManifest(repository, "sha256-" + index.substring(7) + ".sig").bytes())
            .path("layers")
            .get(0);
    byte[] payload = client.readBlob(repository, classic.path("digest").asString());
    byte[] signature =
        Base64.getDecoder()
            .decode(
                classic.path("annotations").path(SimpleSigning.SIGNATURE_ANNOTATION).asString());
    String signedBy =
        JSON.readTree(payload).path("optional").path(SimpleSigning.KEY_HINT).asString();
    byte[] tampered =
        new String(payload, StandardCharsets.UTF_8)
            .replace(index.substring(7, 15), "00000000")
            .getBytes(StandardCharsets.UTF_8);

    IndependentVerifiers.Result image =
        IndependentVerifiers.sigstoreVerify(
            scratch, storedBundles(client, repository, index).get(0), trusted);
    IndependentVerifiers.Result document =
        IndependentVerifiers.sigstoreVerify(
            scratch,
            storedBundles(client, fleetRepository(fleet), artifact.digest()).get(0),
            trusted);
    IndependentVerifiers.Result simple =
        IndependentVerifiers.opensslVerify(scratch, trusted.get(signedBy), payload, signature);
    IndependentVerifiers.Result altered =
        IndependentVerifiers.opensslVerify(scratch, trusted.get(signedBy), tampered, signature);

    assertThat(image.exitCode()).as(image.output()).isZero();
    assertThat(document.exitCode()).as(document.output()).isZero();
    assertThat(simple.exitCode()).as(simple.output()).isZero();
    assertThat(altered.exitCode()).as(altered.output()).isNotZero();
  }

  @Test
  @Order(7)
  void apiFinishedReleaseIsSignedWithTheNextSequence() {
    TestFleet fleet = world.newFleet();
    pushBusybox(fleet, "web", "1.0");
    long deployed = sequenceOf(deploy(fleet, "1.0"));
    String image = localImage(fleet, "web", pushBusybox(fleet, "web", "1.0").indexDigest());
    long id = createRelease(fleet);

    HttpResponse<String> finished = patch(fleet, id, servicesAndSuccess(image));

    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    JsonNode release = ReleaseWorld.json(finished);
    assertThat(release.path("status").asString()).isEqualTo("SUCCESS");
    assertThat(sequenceOf(release)).isEqualTo(deployed + 1);
    assertThat(signatureRows(id)).isOne();
    assertReleaseSigned(fleet, release, 1);
    assertThat(auditCount("release.signed", id)).isOne();
  }

  @Test
  @Order(8)
  void imageOnAnotherRegistryIsNotSignable() {
    TestFleet fleet = world.newFleet();
    String foreign =
        "registry.example.invalid/" + fleetRepository(fleet) + "/web@sha256:" + "ab".repeat(32);
    long id = createRelease(fleet);

    HttpResponse<String> refused = patch(fleet, id, servicesAndSuccess(foreign));
    JsonNode kept = release(fleet, id);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    JsonNode error = ReleaseWorld.json(refused);
    assertThat(error.path("code").asString()).isEqualTo("RELEASE_NOT_SIGNABLE");
    assertThat(error.path("message").asString())
        .contains("'web'")
        .contains(foreign)
        .contains(access.registry() + "/" + fleetRepository(fleet) + "/web")
        .contains("slipway deploy");
    assertThat(kept.path("status").asString()).isEqualTo("RUNNING");
    assertThat(kept.path("services").path("web").path("image").asString()).isEqualTo(foreign);
    assertThat(kept.path("signature").isNull()).isTrue();
  }

  @Test
  @Order(9)
  void releaseFinishesOnceTheImageIsPushedHere() {
    TestFleet fleet = world.newFleet();
    long id = createRelease(fleet);
    String foreign =
        "registry.example.invalid/" + fleetRepository(fleet) + "/web@sha256:" + "cd".repeat(32);
    patch(fleet, id, servicesAndSuccess(foreign));
    String local = localImage(fleet, "web", pushBusybox(fleet, "web", "1.0").indexDigest());

    HttpResponse<String> finished = patch(fleet, id, servicesAndSuccess(local));

    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    JsonNode release = ReleaseWorld.json(finished);
    assertThat(sequenceOf(release)).isEqualTo(1);
    assertReleaseSigned(fleet, release, 1);
  }

  @Test
  @Order(10)
  void staleSignatureIsReplacedWithTheNextSequence() {
    TestFleet fleet = world.newFleet();
    String index = pushBusybox(fleet, "web", "1.0").indexDigest();
    long id = createRelease(fleet);
    long fleetId = fleet.id();
    // As if an earlier finish stored a signature and then failed, before the image changed.
    ReleaseSignature stale =
        world
            .context()
            .getBean(SignatureRecorder.class)
            .record(id, fleetId, sequence -> staleSignature(fleet, id, sequence));

    HttpResponse<String> finished =
        patch(fleet, id, servicesAndSuccess(localImage(fleet, "web", index)));

    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    JsonNode release = ReleaseWorld.json(finished);
    assertThat(sequenceOf(release)).isEqualTo(stale.sequence() + 1);
    assertThat(release.path("signature").path("documentDigest").asString())
        .isNotEqualTo(stale.documentDigest());
    assertReleaseSigned(fleet, release, 1);
  }

  @Test
  @Order(99)
  void tamperedManifestInStorageFailsVerification() throws IOException, InterruptedException {
    TestFleet fleet = world.newFleet();
    pushBusybox(fleet, "web", "1.0");
    JsonNode release = deploy(fleet, "1.0");
    String repository = fleetRepository(fleet) + "/web";
    RegistryClient client = client(fleet);
    String digest =
        childDigests(client.getManifest(repository, indexDigest(release, "web"))).get(0);
    Bundle bundle = bundlesOf(client, repository, digest).get(0);
    String hex = digest.substring("sha256:".length());
    Path stored;
    try (Stream<Path> files = Files.walk(dataDirectory)) {
      stored =
          files.filter(path -> path.getFileName().toString().equals(hex)).findFirst().orElseThrow();
    }
    byte[] original = Files.readAllBytes(stored);
    // Trailing white space keeps the JSON valid, so only the digest check can catch the change.
    String tampered = new String(original, StandardCharsets.UTF_8) + "\n";
    try {
      stored.toFile().setWritable(true);
      Files.writeString(stored, tampered);

      byte[] served = servedManifest(fleet, repository, digest);

      assertThat(served).isEqualTo(tampered.getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(
              () ->
                  BundleVerifier.verifyStatement(
                      bundle,
                      Manifest.sha256(served),
                      ImageStatements.PREDICATE_TYPE,
                      keys.trustPolicy(),
                      Instant.now()))
          .isInstanceOfSatisfying(
              VerificationException.class,
              e -> assertThat(e.failure()).isEqualTo(VerificationFailure.DIGEST_MISMATCH));
    } finally {
      Files.write(stored, original);
    }
  }

  @Test
  @Order(100)
  void releaseFailsWhenNoKeyCanSign() {
    TestFleet fleet = world.newFleet();
    pushBusybox(fleet, "web", "1.0");
    keys.revoke(keys.activeSigner().hint());
    try {
      JsonNode release = deploy(fleet, "1.0");

      assertThat(release.path("status").asString()).isEqualTo("FAILED");
      assertThat(release.path("signature").isNull()).isTrue();
      assertThat(logsOf(fleet, release)).contains("ReleaseSigningHook failed");
    } finally {
      keys.generate(KeyAlgorithm.ECDSA_P256, null);
    }
  }

  @Test
  @Order(101)
  void apiFinishWithoutAKeyLeavesTheReleaseRunning() {
    TestFleet fleet = world.newFleet();
    String image = localImage(fleet, "web", pushBusybox(fleet, "web", "1.0").indexDigest());
    long id = createRelease(fleet);
    keys.revoke(keys.activeSigner().hint());
    HttpResponse<String> refused;
    try {
      refused = patch(fleet, id, servicesAndSuccess(image));
    } finally {
      keys.generate(KeyAlgorithm.ECDSA_P256, null);
    }
    JsonNode kept = release(fleet, id);

    HttpResponse<String> finished = patch(fleet, id, "{\"status\":\"SUCCESS\"}");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(ReleaseWorld.json(refused).path("code").asString())
        .isEqualTo("SIGNING_KEY_UNAVAILABLE");
    assertThat(ReleaseWorld.json(refused).path("message").asString())
        .doesNotContain("ReleaseSigningHook")
        .contains("send status SUCCESS again");
    assertThat(kept.path("status").asString()).isEqualTo("RUNNING");
    assertThat(kept.path("services").path("web").path("image").asString()).isEqualTo(image);
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    assertReleaseSigned(fleet, ReleaseWorld.json(finished), 1);
  }

  /** Checks both layouts on every manifest of every service and the release artifact. */
  private void assertReleaseSigned(TestFleet fleet, JsonNode release, int serviceCount) {
    RegistryClient client = client(fleet);
    JsonNode signature = release.path("signature");
    assertThat(signature.isObject()).as(release.toString()).isTrue();
    Map<String, String> indexes = new LinkedHashMap<>();
    for (String service : release.path("services").propertyNames()) {
      indexes.put(service, indexDigest(release, service));
    }
    assertThat(indexes).hasSize(serviceCount);

    for (Map.Entry<String, String> service : indexes.entrySet()) {
      String repository = fleetRepository(fleet) + "/" + service.getKey();
      Manifest index = client.getManifest(repository, service.getValue());
      List<String> digests = new ArrayList<>(List.of(service.getValue()));
      digests.addAll(childDigests(index));
      assertThat(digests).hasSize(3);
      for (String digest : digests) {
        assertBundlesVerify(client, repository, digest);
        assertClassicSignaturesVerify(client, repository, digest);
      }
    }

    long sequence = signature.path("sequence").asLong();
    String repository = fleetRepository(fleet);
    Manifest artifact = client.getManifest(repository, ReleaseArtifact.tag(sequence));
    JsonNode artifactJson = JSON.readTree(artifact.bytes());
    assertThat(artifactJson.path("artifactType").asString()).isEqualTo(ReleaseDocument.MEDIA_TYPE);
    byte[] document =
        client.readBlob(repository, artifactJson.path("layers").get(0).path("digest").asString());
    assertThat(Manifest.sha256(document)).isEqualTo(signature.path("documentDigest").asString());
    ReleaseDocument parsed = ReleaseDocument.parse(document);
    assertThat(parsed.sequence()).isEqualTo(sequence);
    assertThat(parsed.fleet()).isEqualTo(repository);
    assertThat(parsed.releaseId()).isEqualTo(release.path("id").asLong());
    Map<String, String> signedIndexes = new LinkedHashMap<>();
    for (ServiceImage image : parsed.services()) {
      signedIndexes.put(image.name(), image.indexDigest());
    }
    assertThat(signedIndexes).isEqualTo(indexes);

    List<Bundle> releaseBundles = bundlesOf(client, repository, artifact.digest());
    assertThat(releaseBundles).hasSize(1);
    Statement statement =
        BundleVerifier.verifyStatement(
            releaseBundles.get(0),
            indexes.values().iterator().next(),
            ReleaseDocument.PREDICATE_TYPE,
            keys.trustPolicy(),
            Instant.now());
    assertThat(ReleaseDocument.fromStatement(statement).digest())
        .isEqualTo(signature.path("documentDigest").asString());
    assertClassicSignaturesVerify(client, repository, artifact.digest());
  }

  private void assertBundlesVerify(RegistryClient client, String repository, String digest) {
    List<Bundle> bundles = bundlesOf(client, repository, digest);
    assertThat(bundles).as("bundles of %s@%s", repository, digest).isNotEmpty();
    for (Bundle bundle : bundles) {
      Statement statement =
          BundleVerifier.verifyStatement(
              bundle, digest, ImageStatements.PREDICATE_TYPE, keys.trustPolicy(), Instant.now());
      assertThat(statement.subjects().get(0).name()).isEqualTo(repository);
    }
  }

  private void assertClassicSignaturesVerify(
      RegistryClient client, String repository, String digest) {
    Manifest classic = client.getManifest(repository, "sha256-" + digest.substring(7) + ".sig");
    JsonNode layers = JSON.readTree(classic.bytes()).path("layers");
    assertThat(layers.size()).as("classic signatures of %s@%s", repository, digest).isPositive();
    for (JsonNode layer : layers) {
      assertThat(layer.path("mediaType").asString()).isEqualTo(SimpleSigning.MEDIA_TYPE);
      byte[] payload = client.readBlob(repository, layer.path("digest").asString());
      byte[] signature =
          Base64.getDecoder()
              .decode(
                  layer.path("annotations").path(SimpleSigning.SIGNATURE_ANNOTATION).asString());
      SimpleSigning.verify(payload, signature, digest, keys.trustPolicy(), Instant.now());
      assertThat(new String(payload))
          .contains(access.imageHost() + "/" + repository)
          .contains(digest);
    }
  }

  /** Reads the bundles attached to {@code repository@digest} through the referrers API. */
  private static List<Bundle> bundlesOf(RegistryClient client, String repository, String digest) {
    return storedBundles(client, repository, digest).stream().map(Bundle::parse).toList();
  }

  /** Reads the bundle JSON attached to {@code repository@digest}, exactly as stored. */
  private static List<byte[]> storedBundles(
      RegistryClient client, String repository, String digest) {
    List<Referrer> referrers =
        client.referrers(repository, digest, Bundle.MEDIA_TYPE).orElseThrow();
    List<byte[]> bundles = new ArrayList<>();
    for (Referrer referrer : referrers) {
      JsonNode manifest = JSON.readTree(client.getManifest(repository, referrer.digest()).bytes());
      assertThat(manifest.path("subject").path("digest").asString()).isEqualTo(digest);
      String layer = manifest.path("layers").get(0).path("digest").asString();
      bundles.add(client.readBlob(repository, layer));
    }
    return bundles;
  }

  /** Reads a manifest's bytes as the registry serves them, without checking their digest. */
  private byte[] servedManifest(TestFleet fleet, String repository, String digest)
      throws IOException, InterruptedException {
    HttpResponse<String> token =
        world
            .http()
            .get(
                "/auth/token?service=slipway-registry&scope="
                    + HttpTestClient.encode("repository:" + repository + ":pull"),
                "Authorization",
                HttpTestClient.basic("developer-" + fleet.slug(), fleet.developer()));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://" + access.registry() + "/v2/" + repository + "/manifests/" + digest))
            .header("Authorization", "Bearer " + ReleaseWorld.json(token).path("token").asString())
            .header("Accept", MediaTypes.ACCEPT_ANY_MANIFEST)
            .build();
    HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private long createRelease(TestFleet fleet) {
    return world.createRelease(fleet.org(), fleet.slug(), fleet.developer());
  }

  private HttpResponse<String> patch(TestFleet fleet, long id, String body) {
    return world.call("PATCH", "/api/v1/releases/" + id, body, fleet.developer());
  }

  private JsonNode release(TestFleet fleet, long id) {
    return ReleaseWorld.json(world.call("GET", "/api/v1/releases/" + id, null, fleet.developer()));
  }

  private static String servicesAndSuccess(String image) {
    return "{\"services\":{\"web\":{\"image\":\"" + image + "\"}},\"status\":\"SUCCESS\"}";
  }

  private String localImage(TestFleet fleet, String service, String digest) {
    return access.imageHost() + "/" + fleetRepository(fleet) + "/" + service + "@" + digest;
  }

  private long signatureRows(long releaseId) {
    return world
        .jdbc()
        .sql("SELECT COUNT(*) FROM release_signatures WHERE release_id = ?")
        .param(releaseId)
        .query(Long.class)
        .single();
  }

  /** Signs a release document that lists another image than the release will have. */
  private ReleaseSignature staleSignature(TestFleet fleet, long releaseId, long sequence) {
    Instant signedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    ReleaseDocument document =
        new ReleaseDocument(
            fleetRepository(fleet),
            releaseId,
            "0.0.1",
            sequence,
            signedAt,
            List.of(
                new ServiceImage(
                    "web", fleetRepository(fleet) + "/web", "sha256:" + "ef".repeat(32))));
    Bundle bundle = BundleSigner.signStatement(keys.activeSigner(), document.toStatement());
    return new ReleaseSignature(
        releaseId,
        fleet.id(),
        sequence,
        document.toJson(),
        document.digest(),
        bundle.toJson(),
        keys.activeSigner().hint().value(),
        signedAt);
  }

  private static List<String> childDigests(Manifest index) {
    List<String> digests = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(index.bytes()).path("manifests")) {
      digests.add(entry.path("digest").asString());
    }
    return digests;
  }

  private static String indexDigest(JsonNode release, String service) {
    String image = release.path("services").path(service).path("image").asString();
    return image.substring(image.indexOf('@') + 1);
  }

  private static long sequenceOf(JsonNode release) {
    assertThat(release.path("status").asString()).as(release.toString()).isEqualTo("SUCCESS");
    return release.path("signature").path("sequence").asLong();
  }

  private RegistryClient client(TestFleet fleet) {
    return access.client(fleetRepository(fleet), Duration.ofMinutes(5), Duration.ofSeconds(30));
  }

  private static String fleetRepository(TestFleet fleet) {
    return fleet.org() + "/" + fleet.slug();
  }

  private TestFleet twoPlatformFleet() {
    TestFleet fleet = world.newFleet();
    HttpResponse<String> patched =
        world.call(
            "PATCH",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug(),
            "{\"deviceTypes\":[\"generic-amd64\",\"generic-aarch64\"]}",
            fleet.member(world, Role.OWNER));
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    return fleet;
  }

  private BusyboxImages.Pushed pushBusybox(TestFleet fleet, String service, String tag) {
    return BusyboxImages.push(
        access.registry(),
        fleetRepository(fleet) + "/" + service,
        tag,
        "developer-" + fleet.slug(),
        fleet.developer());
  }

  private JsonNode deploy(TestFleet fleet, String tag) {
    HttpResponse<String> response =
        world.call(
            "POST",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/deployments",
            "{\"tag\":\"" + tag + "\"}",
            fleet.developer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return ReleaseWorld.json(response);
  }

  private long build(TestFleet fleet, TarFixture project) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://"
                        + access.registry()
                        + "/api/v1/orgs/"
                        + fleet.org()
                        + "/fleets/"
                        + fleet.slug()
                        + "/builds"))
            .header("Authorization", "Bearer " + fleet.developer())
            .header("Content-Type", "application/gzip")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(project.tarGz()))
            .build();
    HttpResponse<String> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return ReleaseWorld.json(response).path("id").asLong();
  }

  private TarFixture project(String base) {
    String from = "FROM " + access.registry() + "/" + base + ":1.0\n";
    return new TarFixture()
        .file(
            "docker-compose.yml",
            """
            services:
              web:
                build: ./web
              worker:
                build: ./worker
            """)
        .file("web/Dockerfile", from + "COPY index.html /www/index.html\n")
        .file("web/index.html", "<p>signed</p>\n")
        .file("worker/Dockerfile", from + "COPY job.sh /job.sh\n")
        .file("worker/job.sh", "echo signed\n");
  }

  private JsonNode awaitFinal(TestFleet fleet, long id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      JsonNode release =
          ReleaseWorld.json(world.call("GET", "/api/v1/releases/" + id, null, fleet.developer()));
      if (!release.path("status").asString().equals("RUNNING") || System.nanoTime() > deadline) {
        return release;
      }
      Thread.sleep(250);
    }
  }

  private String logsOf(TestFleet fleet, JsonNode release) {
    return world.logs(release.path("id").asLong(), fleet.developer());
  }

  private long auditCount(String action, long releaseId) {
    return world.auditCount(action, releaseId);
  }
}
