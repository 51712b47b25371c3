package io.slipway.builder.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.TestRegistry;
import io.slipway.builder.platform.Platform;
import io.slipway.testing.image.BusyboxImages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry client and index writer against a real Slipway registry with token auth. */
class RegistryClientIT {

  private static final String BASE = "jib/base/busybox";

  private static TestRegistry registry;
  private static BusyboxImages.Pushed busybox;
  private static RegistryClient client;

  @BeforeAll
  static void pushBase() throws Exception {
    registry = TestRegistry.start();
    busybox =
        BusyboxImages.push(
            registry.host(),
            BASE,
            "1.0",
            registry.credentials().username(),
            registry.credentials().password());
    client = new RegistryClient(registry.host(), registry.credentials(), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    registry.close();
  }

  private static String image(String reference) {
    return registry.host() + "/" + BASE + reference;
  }

  @Test
  void resolvePicksTheIndexEntryOfThePlatform() {
    String pinned = client.resolve(image(":1.0"), Platform.LINUX_ARM64);

    assertThat(pinned).isEqualTo(busybox.pinned(registry.host() + "/" + BASE, "linux/arm64"));
  }

  @Test
  void resolveAcceptsASingleManifestOfThePlatform() {
    String amd64 = busybox.manifests().get("linux/amd64");

    assertThat(client.resolve(image("@" + amd64), Platform.LINUX_AMD64))
        .isEqualTo(image("@" + amd64));
  }

  @Test
  void resolveRefusesASingleManifestOfAnotherPlatform() {
    String amd64 = busybox.manifests().get("linux/amd64");

    assertThatThrownBy(() -> client.resolve(image("@" + amd64), Platform.LINUX_ARM64))
        .isInstanceOf(PlatformNotFoundException.class)
        .hasMessageContaining("does not exist for platform linux/arm64");
  }

  @Test
  void resolveNamesThePlatformsAnImageHas() {
    assertThatThrownBy(() -> client.resolve(image(":1.0"), Platform.LINUX_ARM_V7))
        .isInstanceOfSatisfying(
            PlatformNotFoundException.class,
            e ->
                assertThat(e.available())
                    .containsExactly(Platform.LINUX_AMD64, Platform.LINUX_ARM64));
  }

  @Test
  void resolveOfAMissingTagAnswers404() {
    assertThatThrownBy(() -> client.resolve(image(":missing"), Platform.LINUX_AMD64))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void resolveRefusesAnImageInAnotherRegistry() {
    assertThatThrownBy(() -> client.resolve("127.0.0.2:1/" + BASE + ":1.0", Platform.LINUX_AMD64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not in registry " + registry.host());
  }

  @Test
  void baseImageResolverPinsThePlatform() {
    RegistryBaseImageResolver resolver = new RegistryBaseImageResolver(client);

    assertThat(resolver.resolve(image(":1.0"), Platform.LINUX_AMD64))
        .contains(busybox.pinned(registry.host() + "/" + BASE, "linux/amd64"));
  }

  @Test
  void baseImageResolverIsEmptyForAMissingPlatform() {
    RegistryBaseImageResolver resolver = new RegistryBaseImageResolver(client);

    assertThat(resolver.resolve(image(":1.0"), Platform.LINUX_ARM_V6)).isEmpty();
  }

  @Test
  void baseImageResolverIsEmptyForAMissingImage() {
    RegistryBaseImageResolver resolver = new RegistryBaseImageResolver(client);

    assertThat(resolver.resolve(image(":2.0"), Platform.LINUX_AMD64)).isEmpty();
  }

  @Test
  void tokensAreReusedPerScope() {
    RegistryClient fresh =
        new RegistryClient(registry.host(), registry.credentials(), Duration.ofSeconds(30));
    fresh.getManifest(BASE, "1.0");
    int afterFirst = registry.tokensIssued();

    fresh.getManifest(BASE, "1.0");
    fresh.headManifest(BASE, "1.0");

    assertThat(registry.tokensIssued()).isEqualTo(afterFirst);
  }

  @Test
  void wrongCredentialsNameTheRepositoryAndStatus() {
    RegistryClient wrong =
        new RegistryClient(
            registry.host(), new RegistryCredentials("builder", "wrong"), Duration.ofSeconds(30));

    assertThatThrownBy(() -> wrong.getManifest(BASE, "1.0"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(BASE)
        .hasMessageContaining("HTTP 401");
  }

  @Test
  void mountLinksABlobIntoAnotherRepository() {
    Manifest amd64 = client.getManifest(BASE, busybox.manifests().get("linux/amd64"));
    String layer = layerOf(amd64);

    boolean mounted = client.mountBlob("jib/app/mounted", layer, BASE);

    assertThat(mounted).isTrue();
    assertThat(client.blobExists("jib/app/mounted", layer)).isTrue();
  }

  @Test
  void headManifestOfAMissingTagIsEmpty() {
    assertThat(client.headManifest(BASE, "nothing-here")).isEmpty();
  }

  @Test
  void indexWriterPushesTheSameDigestForTheSameInputs() {
    IndexWriter writer = new IndexWriter(client);
    List<Descriptor> manifests = descriptors();
    Instant created = Instant.parse("2026-01-02T03:04:05Z");

    Manifest first = writer.write(BASE, "jib-index-a", manifests, "abc123", created);
    Manifest second =
        writer.write(
            BASE, "jib-index-b", List.of(manifests.get(1), manifests.get(0)), "abc123", created);

    assertThat(second.digest()).isEqualTo(first.digest());
  }

  @Test
  void indexWriterRecordsRevisionAndCreationTime() {
    Manifest index =
        new IndexWriter(client)
            .write(
                BASE,
                "jib-index-c",
                descriptors(),
                "abc123",
                Instant.parse("2026-01-02T03:04:05Z"));

    String stored =
        new String(client.getManifest(BASE, "jib-index-c").bytes(), StandardCharsets.UTF_8);
    assertThat(stored)
        .isEqualTo(index.text())
        .contains("\"org.opencontainers.image.revision\":\"abc123\"")
        .contains("\"org.opencontainers.image.created\":\"2026-01-02T03:04:05Z\"");
  }

  @Test
  void indexWriterRefusesAManifestTheRepositoryLacks() {
    Descriptor foreign =
        new Descriptor(
            MediaTypes.OCI_MANIFEST, "sha256:" + "0".repeat(64), 10, Platform.LINUX_ARM_V7);
    List<Descriptor> manifests = List.of(descriptors().get(0), foreign);

    assertThatThrownBy(
            () ->
                new IndexWriter(client).write(BASE, "jib-index-d", manifests, null, Instant.EPOCH))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("linux/arm/v7");
  }

  @Test
  void pushBlobUploadsOnceAndReadsBack() {
    byte[] content = ("signature " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    int before = registry.blobUploads();

    String digest = client.pushBlob("jib/app/blobs", content);
    String again = client.pushBlob("jib/app/blobs", content);

    assertThat(again).isEqualTo(digest).isEqualTo(Manifest.sha256(content));
    assertThat(registry.blobUploads()).isEqualTo(before + 1);
    assertThat(client.readBlob("jib/app/blobs", digest)).isEqualTo(content);
  }

  @Test
  void findManifestOfAMissingTagIsEmpty() {
    assertThat(client.findManifest(BASE, "nothing-here")).isEmpty();
    assertThat(client.findManifest("jib/no/such/repository", "1.0")).isEmpty();
  }

  @Test
  void findManifestReadsAnExistingTag() {
    assertThat(client.findManifest(BASE, "1.0"))
        .hasValueSatisfying(index -> assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX));
  }

  @Test
  void referrersListsAManifestWithTheSubject() {
    Manifest subject = client.getManifest(BASE, busybox.manifests().get("linux/arm64"));
    Manifest referrer = pushReferrer(subject, "application/vnd.example.note+json", "a note");
    pushReferrer(subject, "application/vnd.example.other+json", "other");

    List<Referrer> notes =
        client.referrers(BASE, subject.digest(), "application/vnd.example.note+json").orElseThrow();

    assertThat(notes)
        .singleElement()
        .satisfies(
            note -> {
              assertThat(note.digest()).isEqualTo(referrer.digest());
              assertThat(note.size()).isEqualTo(referrer.size());
              assertThat(note.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
              assertThat(note.artifactType()).isEqualTo("application/vnd.example.note+json");
              assertThat(note.annotations()).containsEntry("example.note", "a note");
            });
  }

  @Test
  void referrersWithoutFilterListsEveryArtifactType() {
    Manifest subject = client.getManifest(BASE, busybox.manifests().get("linux/amd64"));
    pushReferrer(subject, "application/vnd.example.first+json", "first");
    pushReferrer(subject, "application/vnd.example.second+json", "second");

    List<Referrer> all = client.referrers(BASE, subject.digest(), null).orElseThrow();

    assertThat(all)
        .extracting(Referrer::artifactType)
        .contains("application/vnd.example.first+json", "application/vnd.example.second+json");
  }

  @Test
  void referrersOfUnreferencedManifestIsEmptyList() {
    String digest = "sha256:" + "1".repeat(64);

    assertThat(client.referrers(BASE, digest, null)).hasValue(List.of());
  }

  /** Pushes an artifact manifest whose subject is {@code subject}, with one small layer. */
  private static Manifest pushReferrer(Manifest subject, String artifactType, String note) {
    String config = client.pushBlob(BASE, "{}".getBytes(StandardCharsets.UTF_8));
    byte[] layer = note.getBytes(StandardCharsets.UTF_8);
    String layerDigest = client.pushBlob(BASE, layer);
    String json =
        """
        {"schemaVersion":2,"mediaType":"%s","artifactType":"%s",\
        "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},\
        "layers":[{"mediaType":"text/plain","digest":"%s","size":%d}],\
        "subject":{"mediaType":"%s","digest":"%s","size":%d},\
        "annotations":{"example.note":"%s"}}"""
            .formatted(
                MediaTypes.OCI_MANIFEST,
                artifactType,
                config,
                layerDigest,
                layer.length,
                subject.mediaType(),
                subject.digest(),
                subject.size(),
                note);
    Manifest referrer = Manifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
    client.putManifest(BASE, referrer.digest(), referrer);
    return referrer;
  }

  private static List<Descriptor> descriptors() {
    return List.of(
        descriptor("linux/amd64", Platform.LINUX_AMD64),
        descriptor("linux/arm64", Platform.LINUX_ARM64));
  }

  private static Descriptor descriptor(String key, Platform platform) {
    return Descriptor.of(client.getManifest(BASE, busybox.manifests().get(key)), platform);
  }

  private static String layerOf(Manifest manifest) {
    String text = manifest.text();
    int layers = text.indexOf("\"layers\"");
    int digest = text.indexOf("sha256:", layers);
    return text.substring(digest, digest + 71);
  }
}
