package io.slipway.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.DeltaOffer;
import io.slipway.agent.client.HttpDownloader;
import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.OciReleaseStore;
import io.slipway.agent.trust.TrustStore;
import io.slipway.delta.encode.DeltaMaker;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.manifest.DeltaManifest;
import io.slipway.delta.manifest.DeltaManifests;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.ServiceImage;
import io.slipway.signing.state.TargetRelease;
import io.slipway.testing.image.BusyboxImages;
import io.slipway.testing.net.CuttingProxy;
import io.slipway.testing.registry.DistributionRegistry;
import io.slipway.testing.tool.OciTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The updater against a real registry (Debian's docker-registry on 127.0.0.1) holding busybox
 * images for linux/amd64 that differ by one file. The server's device API is a stand-in ({@link
 * DeviceApiStandIn}), because the server cannot run in this module; deltas are made with {@link
 * DeltaMaker} and signed with a {@link LocalSigner} as the server would.
 */
class StandardUpdaterTest {

  private static final String REPOSITORY = "acme/gateways/web";
  private static final String UUID = "5f0c2d7e-1111-4222-8333-944455556666";

  @TempDir static Path shared;

  private static DistributionRegistry registry;
  private static Digest one;
  private static Digest two;

  @TempDir Path data;

  private final LocalSigner signer = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private final Map<String, Long> progress = new ConcurrentHashMap<>();
  private OciReleaseStore store;
  private DeviceApiStandIn api;
  private StandardUpdater updater;
  private HttpDownloader downloader;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = DistributionRegistry.start(Files.createDirectories(shared.resolve("registry")));
    one = push("one");
    two = push("two");
  }

  private static Digest push(String variant) {
    return push(BusyboxImages.amd64(variant));
  }

  private static Digest push(BusyboxImages.Image image) {
    return Digest.of(BusyboxImages.push(image, registry.host(), REPOSITORY, "device", "unused"));
  }

  @AfterAll
  static void stopRegistry() throws InterruptedException {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void openDevice() throws IOException {
    store = OciReleaseStore.open(data.resolve("agent"));
    HttpDownloader downloader =
        new HttpDownloader(
            HttpClient.newHttpClient(),
            new HttpDownloader.Settings(
                2, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(10)));
    api = new DeviceApiStandIn(signer, UUID, downloader, data.resolve("payloads"));
    this.downloader = downloader;
    updater = updater(URI.create("http://" + registry.host()));
  }

  private StandardUpdater updater(URI registryUri) {
    return updater(registryUri, store.layout());
  }

  private StandardUpdater updater(URI registryUri, ImageContent deltaBase) {
    return new StandardUpdater(
        api,
        store,
        TrustStore.open(data.resolve("agent/trust.json"), List.of()),
        downloader,
        registryUri,
        UUID,
        "sld_test",
        Duration.ofSeconds(5),
        Clock.systemUTC(),
        deltaBase);
  }

  private static int registryPort() {
    return Integer.parseInt(registry.host().substring(registry.host().lastIndexOf(':') + 1));
  }

  @AfterEach
  void closeApi() {
    api.close();
  }

  @Test
  void firstReleaseIsPulledWhole() throws Exception {
    Updater.Prepared prepared = updater.prepare(target(1, 1, one), this::record);

    assertThat(prepared.methods()).containsEntry("web", "full");
    assertThat(store.contains(manifest(one))).isTrue();
    assertThat(prepared.release().services().get("web").manifest()).isEqualTo(manifest(one));
    assertThat(progress.get("full")).isPositive();
    store.commit(prepared.release());
    assertThat(store.current().map(InstalledRelease::releaseId)).contains(1L);
  }

  @Test
  void nextReleaseComesByDelta() throws Exception {
    install(one);
    byte[] payload = delta(manifest(one), manifest(two));
    offer(payload, payload);

    Updater.Prepared prepared = updater.prepare(target(2, 2, two), this::record);

    assertThat(prepared.methods()).containsEntry("web", "delta");
    assertThat(prepared.fallbacks()).isEmpty();
    assertThat(store.contains(manifest(two))).isTrue();
    assertThat(progress.get("delta")).isEqualTo(payload.length);
    assertThat(progress).doesNotContainKey("full");
  }

  @Test
  void pulledDockerImageIsReadableByOciTools() throws Exception {
    Digest docker = push(BusyboxImages.amd64("docker-one", BusyboxImages.MediaTypes.DOCKER));

    Updater.Prepared prepared = updater.prepare(target(1, 1, docker), this::record);

    assertThat(prepared.methods()).containsEntry("web", "full");
    assertThat(store.contains(docker)).isTrue();
    Path bundle = data.resolve("bundle");
    OciTools.assertReadable(store.layout().dir(), OciReleaseStore.refName(docker), bundle);
    assertThat(bundle.resolve("rootfs" + BusyboxImages.VARIANT_FILE)).hasContent("docker-one");
  }

  @Test
  void deltaDockerImageIsReadableByOciTools() throws Exception {
    Digest from = push(BusyboxImages.amd64("docker-one", BusyboxImages.MediaTypes.DOCKER));
    Digest to = push(BusyboxImages.amd64("docker-two", BusyboxImages.MediaTypes.DOCKER));
    install(from);
    byte[] payload = delta(from, to);
    DeltaOffer ready = readyOffer(from, to, payload, payload);
    api.deltas((source, target) -> ready);

    Updater.Prepared prepared = updater.prepare(target(2, 2, to), this::record);

    assertThat(prepared.methods()).containsEntry("web", "delta");
    assertThat(prepared.fallbacks()).isEmpty();
    assertThat(store.contains(to)).isTrue();
    Path bundle = data.resolve("bundle");
    OciTools.assertReadable(store.layout().dir(), OciReleaseStore.refName(to), bundle);
    assertThat(bundle.resolve("rootfs" + BusyboxImages.VARIANT_FILE)).hasContent("docker-two");
  }

  @Test
  void singleManifestOfOtherPlatformIsRefused() throws Exception {
    api.platform("linux/arm64");

    assertVerificationFails(
        () -> updater.prepare(target(1, 1, one), this::record),
        "built for linux/amd64",
        "fleet's platform is linux/arm64");
    assertThat(store.current()).isEmpty();
  }

  @Test
  void unknownPlatformAcceptsSingleManifest() throws Exception {
    api.platform(null);

    Updater.Prepared prepared = updater.prepare(target(1, 1, one), this::record);

    assertThat(prepared.release().services().get("web").manifest()).isEqualTo(one);
  }

  @Test
  void partialDownloadResumesAfterRestart() throws Exception {
    Digest resumed = push("resumed");
    Digest layer = firstLayer(new RegistryBlobs(registry.host(), REPOSITORY), resumed);
    byte[] content;
    try (InputStream in = new RegistryBlobs(registry.host(), REPOSITORY).open(layer)) {
      content = in.readAllBytes();
    }
    // What a kill in the middle of the layer's download leaves behind.
    Files.write(store.downloads().resolve(layer.hex()), Arrays.copyOf(content, content.length / 2));

    try (CuttingProxy proxy = CuttingProxy.start(registryPort())) {
      StandardUpdater throughProxy = updater(proxy.uri());
      Updater.Prepared prepared = throughProxy.prepare(target(1, 1, resumed), this::record);

      assertThat(prepared.methods()).containsEntry("web", "full");
      assertThat(store.contains(resumed)).isTrue();
      assertThat(proxy.bytesToClient()).isLessThan(content.length);
    }
  }

  @Test
  void deltaIsSmallerThanLayer() throws Exception {
    install(one);

    byte[] payload = delta(manifest(one), manifest(two));

    long layer = store.layout().blobPath(firstLayer(manifest(one))).toFile().length();
    assertThat((long) payload.length).isLessThan(layer / 10);
  }

  @Test
  void deltaWaitsWhileGenerating() throws Exception {
    install(one);
    byte[] payload = delta(manifest(one), manifest(two));
    DeltaOffer ready = readyOffer(payload, payload);
    AtomicInteger asks = new AtomicInteger();
    api.deltas(
        (from, to) ->
            asks.incrementAndGet() < 3 ? new DeltaOffer.Generating(Duration.ofMillis(100)) : ready);

    Updater.Prepared prepared = updater.prepare(target(2, 2, two), this::record);

    assertThat(prepared.methods()).containsEntry("web", "delta");
    assertThat(asks).hasValue(3);
  }

  @Test
  void tamperedDeltaFallsBackToFullPull() throws Exception {
    install(one);
    byte[] payload = delta(manifest(one), manifest(two));
    byte[] tampered = withMiddleBitFlipped(payload);
    offer(payload, tampered);

    Updater.Prepared prepared = updater.prepare(target(2, 2, two), this::record);

    assertFellBackToFullPull(prepared, "delta");
    assertThat(store.contains(manifest(two))).isTrue();
  }

  @Test
  void nativeLibraryErrorFallsBack() throws Exception {
    // Stands in for zstd-jni whose native library fails to load on a device. The real applier
    // reads the source image through this content and meets the Error that the library throws.
    StandardUpdater withoutNative =
        deltaReadingThrough(
            digest -> {
              throw new UnsatisfiedLinkError("no zstd-jni-1.5.7 in java.library.path");
            });

    Updater.Prepared prepared = withoutNative.prepare(target(2, 2, two), this::record);

    assertFellBackToFullPull(prepared, "UnsatisfiedLinkError");
    assertThat(store.contains(manifest(two))).isTrue();
  }

  @Test
  void deltaBugFallsBack() throws Exception {
    // Stands in for a bug in the delta code. No real component throws this on its own.
    StandardUpdater withBug =
        deltaReadingThrough(
            digest -> {
              throw new IllegalStateException("stand-in failure of blob " + digest);
            });

    Updater.Prepared prepared = withBug.prepare(target(2, 2, two), this::record);

    assertFellBackToFullPull(prepared, "stand-in failure of blob");
  }

  @Test
  void outOfMemoryInDeltaIsNotHidden() throws Exception {
    // Stands in for a heap too small for the apply, which a full pull would not cure.
    StandardUpdater withoutHeap =
        deltaReadingThrough(
            digest -> {
              throw new OutOfMemoryError("stand-in: Java heap space");
            });

    assertThatThrownBy(() -> withoutHeap.prepare(target(2, 2, two), this::record))
        .isInstanceOf(OutOfMemoryError.class);
    assertThat(store.contains(manifest(two))).isFalse();
  }

  /**
   * Installs image one, offers a signed delta from it to image two, and returns an updater whose
   * deltas read their source image through {@code base}.
   */
  private StandardUpdater deltaReadingThrough(ImageContent base) throws Exception {
    install(one);
    byte[] payload = delta(manifest(one), manifest(two));
    offer(payload, payload);
    return updater(URI.create("http://" + registry.host()), base);
  }

  @Test
  void deltaSignedForOtherPayloadFallsBack() throws Exception {
    install(one);
    byte[] payload = delta(manifest(one), manifest(two));
    byte[] tampered = withMiddleBitFlipped(payload);
    // The server serves the altered payload under its own digest, which the signature does not
    // name.
    api.deltas(
        (from, to) ->
            new DeltaOffer.Ready(
                bundle(manifest(one), manifest(two), payload),
                uri(tampered),
                tampered.length,
                Digest.of(tampered)));

    Updater.Prepared prepared = updater.prepare(target(2, 2, two), this::record);

    assertFellBackToFullPull(prepared, "signature was rejected");
  }

  @Test
  void deltaByUnknownKeyFallsBack() throws Exception {
    install(one);
    byte[] payload = delta(manifest(one), manifest(two));
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    byte[] foreignBundle =
        DeltaManifests.sign(
                stranger,
                DeltaManifest.current(
                    manifest(one), manifest(two), payload.length, Digest.of(payload)),
                Instant.now())
            .toJson();
    api.deltas(
        (from, to) ->
            new DeltaOffer.Ready(foreignBundle, uri(payload), payload.length, Digest.of(payload)));

    Updater.Prepared prepared = updater.prepare(target(2, 2, two), this::record);

    assertFellBackToFullPull(prepared, "UNKNOWN_KEY");
  }

  @Test
  void unsignedReleaseIsRejected() throws Exception {
    install(one);
    TargetState target = target(2, 2, two);
    api.releaseBundle(2, null);

    assertVerificationFails(() -> updater.prepare(target, this::record), "Release 2 is unsigned");
    assertThat(store.contains(manifest(two))).isFalse();
    assertThat(store.current().map(InstalledRelease::releaseId)).contains(1L);
  }

  @Test
  void polledImageOtherThanSignedIsRejected() throws Exception {
    target(1, 1, one);
    TargetState polledTwo =
        new TargetState("etag", 1L, "v1", Map.of("web", service(two)), Map.of());

    assertVerificationFails(
        () -> updater.prepare(polledTwo, this::record), "is signed as image " + one.value());
    assertThat(store.contains(manifest(two))).isFalse();
  }

  @Test
  void olderSequenceIsRollback() throws Exception {
    Updater.Prepared installed = updater.prepare(target(2, 5, two), this::record);
    store.commit(installed.release());

    assertThatThrownBy(() -> updater.prepare(target(3, 4, one), this::record))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("ROLLBACK");
  }

  @Test
  void tamperedRegistryBlobIsRejected() throws Exception {
    Digest three = push("three");
    Digest layer = firstLayer(new RegistryBlobs(registry.host(), REPOSITORY), manifest(three));
    Path stored =
        shared.resolve(
            "registry/storage/docker/registry/v2/blobs/sha256/"
                + layer.hex().substring(0, 2)
                + "/"
                + layer.hex()
                + "/data");
    byte[] bytes = Files.readAllBytes(stored);
    bytes[bytes.length / 2] ^= 1;
    Files.write(stored, bytes);

    assertVerificationFails(
        () -> updater.prepare(target(1, 1, three), this::record), layer.value());
    assertThat(store.contains(manifest(three))).isFalse();
    assertThat(store.layout().contains(layer)).isFalse();
  }

  private static void assertVerificationFails(ThrowingCallable prepare, String... messageParts) {
    assertThatThrownBy(prepare)
        .isInstanceOf(AgentException.class)
        .hasMessageContainingAll(messageParts)
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.VERIFICATION_FAILED);
  }

  private static void assertFellBackToFullPull(Updater.Prepared prepared, String reason) {
    assertThat(prepared.methods()).containsEntry("web", "full");
    assertThat(prepared.fallbacks().get("web")).contains(reason);
  }

  private static byte[] withMiddleBitFlipped(byte[] payload) {
    byte[] tampered = payload.clone();
    tampered[tampered.length / 2] ^= 1;
    return tampered;
  }

  private void record(String service, String method, long downloaded, long size) {
    progress.merge(method, downloaded, Math::max);
  }

  /** Pulls and commits {@code image} as release 1. */
  private void install(Digest image) throws Exception {
    store.commit(updater.prepare(target(1, 1, image), UpdateProgress.NONE).release());
    progress.clear();
  }

  /** Signs release {@code id} with {@code image} for service web and names it in the state. */
  private TargetState target(long id, long sequence, Digest image) {
    ReleaseDocument document =
        new ReleaseDocument(
            DeviceApiStandIn.FLEET,
            id,
            "v" + id,
            sequence,
            Instant.now().minusSeconds(10),
            List.of(new ServiceImage("web", REPOSITORY, image.value())));
    api.releaseBundle(id, BundleSigner.signStatement(signer, document.toStatement()).toJson());
    api.target(new TargetRelease(id, "v" + id, sequence, document.digest()));
    return new TargetState("etag-" + id, id, "v" + id, Map.of("web", service(image)), Map.of());
  }

  private TargetService service(Digest image) {
    return new TargetService(
        "web",
        registry.host() + "/" + REPOSITORY + "@" + image.value(),
        Map.of("MODE", "test"),
        Map.of("io.slipway.test", "true"),
        Map.of("restart", "always"));
  }

  private byte[] delta(Digest from, Digest to) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    DeltaMaker.standard()
        .make(
            store.layout(),
            from,
            new RegistryBlobs(registry.host(), REPOSITORY),
            to,
            payload,
            Files.createDirectories(data.resolve("maker")));
    return payload.toByteArray();
  }

  private void offer(byte[] signed, byte[] served) {
    DeltaOffer ready = readyOffer(signed, served);
    api.deltas((from, to) -> ready);
  }

  private DeltaOffer.Ready readyOffer(byte[] signed, byte[] served) {
    return readyOffer(manifest(one), manifest(two), signed, served);
  }

  private DeltaOffer.Ready readyOffer(Digest from, Digest to, byte[] signed, byte[] served) {
    return new DeltaOffer.Ready(
        bundle(from, to, signed), uri(served), signed.length, Digest.of(signed));
  }

  private byte[] bundle(Digest from, Digest to, byte[] payload) {
    DeltaManifest manifest = DeltaManifest.current(from, to, payload.length, Digest.of(payload));
    return DeltaManifests.sign(signer, manifest, Instant.now()).toJson();
  }

  private URI uri(byte[] payload) {
    try {
      return api.payload(payload);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns the platform manifest of {@code image}, which is a single-platform image. */
  private static Digest manifest(Digest image) {
    return image;
  }

  private Digest firstLayer(Digest manifest) {
    return firstLayer(store.layout(), manifest);
  }

  private static Digest firstLayer(io.slipway.delta.image.ImageContent content, Digest manifest) {
    return io.slipway.delta.image.ImageReader.read(content, manifest)
        .layers()
        .get(0)
        .blob()
        .digest();
  }
}
