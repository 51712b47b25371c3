package io.slipway.systemtest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.DeltaOffer;
import io.slipway.agent.client.HttpDeviceApi;
import io.slipway.agent.client.HttpDownloader;
import io.slipway.agent.client.ServiceState;
import io.slipway.agent.client.StateReport;
import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.config.JsonConfigFile;
import io.slipway.agent.provision.Registration;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.store.OciReleaseStore;
import io.slipway.agent.trust.TrustStore;
import io.slipway.agent.update.StandardUpdater;
import io.slipway.agent.update.Updater;
import io.slipway.delta.image.Digest;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.registry.RegistryClient;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.testing.net.CuttingProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent's updater against the real server, its registry and its deltas, with the device's
 * traffic relayed through a {@link CuttingProxy} that counts bytes and can cut a response. Each
 * device runs the updater and store in this JVM; the loop, engine and reporter are not involved, so
 * the test reports the running image itself, as the agent's reporter would. The steps build on each
 * other and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpdateIT {

  private static SlipwayStack stack;
  private static DeviceFleet fleet;
  private static CuttingProxy proxy;
  private static UpdatingDevice first;
  private static String imageOne;
  private static String imageTwo;

  @BeforeAll
  static void startServer() throws Exception {
    stack =
        SlipwayStack.start(
            "UpdateIT", new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM), Map.of());
    fleet = DeviceFleet.create(stack, "acme", "gateways");
    proxy = CuttingProxy.start(stack.server().port());
    imageOne = fleet.pushService("web", "one", "one");
    imageTwo = fleet.pushService("web", "two", "two");
    fleet.deploy("1.0.0", Map.of("web", imageOne));
    first = UpdatingDevice.register("first");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void firstReleaseIsPulledWhole() throws Exception {
    Updater.Prepared prepared = first.update();

    assertThat(prepared.methods()).containsEntry("web", "full");
    assertThat(first.store.current().map(InstalledRelease::version)).contains("1.0.0");
  }

  @Test
  @Order(2)
  void nextReleaseComesByDeltaWithFewerBytes() throws Exception {
    fleet.deploy("2.0.0", Map.of("web", imageTwo));
    proxy.resetCounts();

    Updater.Prepared byDelta = first.update();
    long deltaBytes = proxy.bytesToClient();

    assertThat(byDelta.methods()).as(byDelta.fallbacks().toString()).containsEntry("web", "delta");
    assertThat(first.store.current().map(InstalledRelease::version)).contains("2.0.0");

    UpdatingDevice fresh = UpdatingDevice.register("fresh");
    proxy.resetCounts();
    Updater.Prepared whole = fresh.update();
    long fullBytes = proxy.bytesToClient();

    assertThat(whole.methods()).containsEntry("web", "full");
    assertThat(deltaBytes).isLessThan(fullBytes);
  }

  @Test
  @Order(3)
  void cutDownloadResumes() throws Exception {
    UpdatingDevice cut = UpdatingDevice.register("cut");
    long layer = cut.firstLayer(imageTwo).path("size").asLong();
    proxy.resetCounts();
    proxy.cutAfter("/blobs/", layer / 2, 1);

    Updater.Prepared whole = cut.update();

    assertThat(whole.methods()).containsEntry("web", "full");
    assertThat(proxy.cuts()).isEqualTo(1);
    assertThat(proxy.bytesToClient()).isLessThan(2 * layer);
  }

  @Test
  @Order(4)
  void tamperedDeltaIsRejected() throws Exception {
    String imageThree = fleet.pushService("web", "three", "three");
    fleet.deploy("3.0.0", Map.of("web", imageThree));
    TargetState target = first.target();
    Digest from = first.store.current().orElseThrow().services().get("web").manifest();
    Digest to = first.platformManifest(target.services().get("web").image());
    DeltaOffer.Ready ready = first.awaitDelta(from, to);
    corrupt(findFile(stack.directory("data"), ready.digest().hex()));

    Updater.Prepared prepared = first.updater.prepare(target, (s, m, d, t) -> {});

    assertThat(prepared.fallbacks().get("web")).contains("delta");
    assertThat(prepared.methods()).containsEntry("web", "full");
    assertThat(first.store.contains(to)).isTrue();
  }

  @Test
  @Order(5)
  void tamperedRegistryBlobIsRejected() throws Exception {
    // This device never reports, so the server offers it no delta and it pulls the image whole.
    UpdatingDevice quiet = UpdatingDevice.register("quiet");
    InstalledRelease before = quiet.install();
    String imageFour = fleet.pushService("web", "four", "four");
    fleet.deploy("4.0.0", Map.of("web", imageFour));
    Digest layer = Digest.of(quiet.firstLayer(imageFour).path("digest").asText());
    corrupt(findFile(stack.directory("data"), layer.hex()));

    TargetState target = quiet.target();
    assertThatThrownBy(() -> quiet.updater.prepare(target, (s, m, d, t) -> {}))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining(layer.value())
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.VERIFICATION_FAILED);

    assertThat(quiet.store.current()).contains(before);
    assertThat(quiet.store.layout().contains(layer)).isFalse();
  }

  @Test
  @Order(6)
  void unsignedReleaseIsRejected() throws Exception {
    InstalledRelease before = first.store.current().orElseThrow();
    Reply created =
        fleet
            .admin()
            .send(
                "POST",
                "/api/v1/orgs/acme/fleets/gateways/releases",
                "{\"version\":\"5.0.0\",\"commit\":\"9fceb02d0ae598e95dc970b74767f19372d61af8\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    long unsigned = created.json().path("id").asLong();
    InstalledService web = before.services().get("web");
    // The polled target is not signed, so a server front could name any release in it.
    TargetState polled =
        new TargetState(
            "forged",
            unsigned,
            "5.0.0",
            Map.of("web", new TargetService("web", web.image(), Map.of(), Map.of(), Map.of())),
            Map.of());

    assertThatThrownBy(() -> first.updater.prepare(polled, (s, m, d, t) -> {}))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("unsigned")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.VERIFICATION_FAILED);
    assertThat(first.store.current()).contains(before);
  }

  private static void corrupt(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
  }

  private static Path findFile(Path root, String name) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(path -> path.getFileName().toString().equals(name) && Files.isRegularFile(path))
          .findFirst()
          .orElseThrow(() -> new AssertionError("No file " + name + " under " + root));
    }
  }

  /** One registered device: its data directory, store, trusted keys and updater. */
  private static final class UpdatingDevice {

    private final HttpDeviceApi api;
    private final OciReleaseStore store;
    private final StandardUpdater updater;

    private UpdatingDevice(AgentConfig config, Path data) {
      HttpClient client = HttpDeviceApi.newClient(Duration.ofSeconds(10));
      HttpDownloader downloader =
          new HttpDownloader(
              client,
              new HttpDownloader.Settings(
                  3, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(20)));
      this.api = new HttpDeviceApi(config, client, Duration.ofSeconds(30), downloader);
      this.store = OciReleaseStore.open(data);
      this.updater =
          new StandardUpdater(
              api,
              store,
              TrustStore.open(data.resolve("trust.json"), config.trustedKeys()),
              downloader,
              config.registryEndpoint(),
              config.uuid(),
              config.deviceApiKey(),
              Duration.ofSeconds(60),
              Clock.systemUTC());
    }

    /**
     * Registers a device from a configured config.json, then points its API, registry and delta
     * endpoints at the proxy.
     */
    static UpdatingDevice register(String name) throws Exception {
      Path data = Files.createDirectories(stack.directory("agents", name));
      Path configJson = data.resolve("config.json");
      Files.write(configJson, fleet.osConfig());
      AgentConfig registered =
          new Registration(new JsonConfigFile(configJson), data, HttpDeviceApi::create, "test")
              .ensureRegistered();
      URI relay = proxy.uri();
      AgentConfig proxied =
          new AgentConfig(
              registered.fleetId(),
              registered.fleet(),
              registered.deviceType(),
              null,
              registered.uuid(),
              registered.deviceApiKey(),
              relay,
              relay,
              relay,
              null,
              registered.pollInterval(),
              registered.trustedKeys());
      return new UpdatingDevice(proxied, data);
    }

    TargetState target() {
      return api.targetState(null).orElseThrow();
    }

    /** Prepares and commits the current target, then reports it as running. */
    Updater.Prepared update() throws InterruptedException {
      Updater.Prepared prepared = prepareAndCommit();
      report(prepared.release());
      return prepared;
    }

    /** Prepares and commits the current target without reporting it. */
    InstalledRelease install() throws InterruptedException {
      return prepareAndCommit().release();
    }

    private Updater.Prepared prepareAndCommit() throws InterruptedException {
      Updater.Prepared prepared = updater.prepare(target(), (s, m, d, t) -> {});
      store.commit(prepared.release());
      return prepared;
    }

    /** Reports every service running its image, as the agent's reporter does after a switch. */
    void report(InstalledRelease release) {
      Map<String, ServiceState> services = new HashMap<>();
      release
          .services()
          .forEach(
              (name, service) ->
                  services.put(
                      name,
                      new ServiceState(
                          "running", service.index().value(), null, null, null, null)));
      api.reportState(new StateReport(release.releaseId(), services, "test"));
    }

    DeltaOffer.Ready awaitDelta(Digest from, Digest to) {
      return Poll.until(
          Duration.ofSeconds(120),
          "the delta from " + from + " to " + to,
          () ->
              api.delta(from, to) instanceof DeltaOffer.Ready ready
                  ? Optional.of(ready)
                  : Optional.empty(),
          () -> stack.server().logTail());
    }

    /** Returns the linux/amd64 manifest of {@code reference}'s image index. */
    Digest platformManifest(String reference) {
      JsonNode index = manifest(repository(reference), tagOrDigest(reference));
      for (JsonNode entry : index.path("manifests")) {
        if (entry.path("platform").path("architecture").asText().equals("amd64")) {
          return Digest.of(entry.path("digest").asText());
        }
      }
      throw new AssertionError("No amd64 manifest in " + index);
    }

    /** Returns the first layer's descriptor of {@code reference}'s linux/amd64 manifest. */
    JsonNode firstLayer(String reference) {
      JsonNode manifest = manifest(repository(reference), platformManifest(reference).value());
      return manifest.path("layers").path(0);
    }

    /**
     * Returns {@code ORG/FLEET/SERVICE} of {@code HOST/ORG/FLEET/SERVICE:TAG} or {@code @DIGEST}.
     */
    private static String repository(String reference) {
      String path = reference.substring(reference.indexOf('/') + 1);
      int at = path.indexOf('@');
      return path.substring(0, at >= 0 ? at : path.lastIndexOf(':'));
    }

    private static String tagOrDigest(String reference) {
      int at = reference.indexOf('@');
      return reference.substring(at >= 0 ? at + 1 : reference.lastIndexOf(':') + 1);
    }

    /** Reads a manifest or index from the registry with the administrator's credentials. */
    private static JsonNode manifest(String repository, String reference) {
      RegistryClient registry =
          new RegistryClient(stack.server().baseUrl(), "admin", stack.server().bootstrapToken());
      HttpResponse<byte[]> response = registry.manifest(repository, reference);
      assertThat(response.statusCode()).as(RegistryClient.describe(response)).isEqualTo(200);
      return RegistryClient.json(response.body());
    }
  }
}
