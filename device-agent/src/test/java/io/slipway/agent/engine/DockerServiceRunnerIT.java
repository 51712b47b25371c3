package io.slipway.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.LogLine;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.terminal.Terminal;
import io.slipway.agent.terminal.TerminalOutput;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.layout.OciLayout;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs releases on the real Docker engine on {@code /var/run/docker.sock} with busybox images built
 * locally and written into an OCI layout, as the agent's store keeps them. Every container and
 * volume carries {@code io.slipway.test=true} and a fresh device UUID; each test removes what its
 * device left, images included (by their {@code slipway/UUID8/} tags).
 */
class DockerServiceRunnerIT {

  private static final String LOOP = "while true; do sleep 1; done";

  @TempDir static Path store;

  private static DockerClient client;
  private static OciLayout layout;

  @TempDir Path dataDir;

  private String uuid;
  private DockerServiceRunner runner;

  @BeforeAll
  static void buildImages() {
    client = TestEngine.require();
    layout = OciLayout.create(store.resolve("images"));
    LayoutImages.write(layout, "one", "one");
    LayoutImages.write(layout, "two", "two");
    LayoutImages.writeUncompressed(layout, "plain", "plain");
    LayoutImages.writeLayered(layout, "one", "a", "layered-a");
    LayoutImages.writeLayered(layout, "one", "b", "layered-b");
    LayoutImages.writeWithoutCommand(layout, "one", "no-command");
  }

  @BeforeEach
  void startRunner() {
    uuid = UUID.randomUUID().toString().replace("-", "");
    runner = new DockerServiceRunner(client, uuid, dataDir, List.of());
  }

  @AfterEach
  void removeWhatTheDeviceLeft() {
    TestEngine.removeDevice(client, uuid);
  }

  @Test
  void loadTagsImageWithItsConfigDigest() {
    InstalledRelease release = release(1, service("app", "one", Map.of()));

    runner.load(release, layout);
    runner.load(release, layout);

    String tag =
        "slipway/" + uuid.substring(0, 8) + "/app:" + manifest("one").hex().substring(0, 12);
    assertThat(client.inspectImageCmd(tag).exec().getId())
        .isEqualTo(LayoutImages.imageId("one").value());
  }

  @Test
  void loadAcceptsUncompressedLayer() {
    InstalledRelease release = release(1, service("app", "plain", Map.of()));

    loadAndReconcile(release);

    assertThat(inspect("app").getImageId()).isEqualTo(LayoutImages.imageId("plain").value());
    assertThat(runner.status()).isEqualTo(Map.of("app", "running"));
  }

  @Test
  void loadLeavesOutLayersEngineHas() {
    InstalledRelease first = release(1, service("app", "layered-a", Map.of()));
    runner.load(first, layout);
    InstalledRelease second = release(2, service("app", "layered-b", Map.of()));
    Image next = ImageReader.read(layout, layout.resolve("layered-b"));

    int present = new ImageLoader(client, new EngineNames(uuid)).presentLayers(next);
    loadAndReconcile(second);

    assertThat(present).isEqualTo(1);
    assertThat(inspect("app").getImageId())
        .isEqualTo(LayoutImages.imageId(layout, "layered-b").value());
    assertThat(runner.status()).isEqualTo(Map.of("app", "running"));
  }

  @Test
  void reconcileAppliesServiceConfiguration() {
    Map<String, Object> configuration = new HashMap<>();
    configuration.put("restart", "on-failure:3");
    configuration.put("volumes", List.of("data:/data"));
    configuration.put("command", List.of("sh", "-c", LOOP));
    configuration.put("network_mode", "host");
    configuration.put("cap_add", List.of("NET_ADMIN"));
    InstalledService app =
        new InstalledService(
            "app",
            "127.0.0.1:5000/org/fleet/app@" + manifest("one"),
            manifest("one"),
            manifest("one"),
            "one",
            Map.of("GREETING", "hello"),
            Map.of(TestEngine.TEST_LABEL, "true", "com.example.role", "web"),
            configuration);
    InstalledRelease release = release(7, app);

    loadAndReconcile(release);

    InspectContainerResponse container = inspect("app");
    assertThat(container.getConfig().getEnv()).contains("GREETING=hello");
    assertThat(container.getConfig().getLabels())
        .containsEntry("com.example.role", "web")
        .containsEntry("io.slipway.device", uuid)
        .containsEntry("io.slipway.service", "app")
        .containsEntry("io.slipway.release", "7")
        .containsKey("io.slipway.spec");
    assertThat(container.getHostConfig().getRestartPolicy().getName()).isEqualTo("on-failure");
    assertThat(container.getHostConfig().getRestartPolicy().getMaximumRetryCount()).isEqualTo(3);
    assertThat(container.getHostConfig().getNetworkMode()).isEqualTo("host");
    assertThat(container.getImageId()).isEqualTo(LayoutImages.imageId("one").value());
    assertThat(Arrays.stream(container.getHostConfig().getBinds()).map(Bind::toString))
        .contains(
            "slipway_" + uuid.substring(0, 8) + "_data:/data:rw",
            runner.lockDir("app") + ":/tmp/slipway:rw");
    assertThat(runner.status()).isEqualTo(Map.of("app", "running"));
  }

  @Test
  void checkRejectsHostPathOutsideAllowedRoots() {
    InstalledRelease release =
        release(
            1,
            service(
                "app",
                "one",
                Map.of(),
                Map.of(
                    "command",
                    List.of("sh", "-c", LOOP),
                    "volumes",
                    List.of("/etc:/host-etc:ro"))));
    runner.load(release, layout);

    assertThatThrownBy(() -> runner.check(release))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> assertThat(e.failure()).isEqualTo(AgentFailure.ENGINE_FAILED))
        .hasMessageContaining("/etc");
  }

  @Test
  void checkRejectsImageWithoutCommand() {
    InstalledRelease release = release(1, service("app", "no-command", Map.of(), Map.of()));
    runner.load(release, layout);

    assertThatThrownBy(() -> runner.check(release))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("Service app has no command");
  }

  @Test
  void checkAcceptsCommandFromConfiguration() {
    InstalledRelease release = release(1, service("app", "no-command", Map.of()));
    runner.load(release, layout);

    runner.check(release);

    assertThat(
            client
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of("io.slipway.device", uuid))
                .exec())
        .isEmpty();
  }

  @Test
  void checkAcceptsImageCommand() {
    InstalledRelease release = release(1, service("app", "one", Map.of(), Map.of()));
    runner.load(release, layout);

    runner.check(release);

    assertThat(runner.status()).isEmpty();
  }

  @Test
  void releaseThatCannotStartIsReportedFailed() {
    InstalledRelease first = loadAndReconcile(release(1, service("app", "one", Map.of())));
    InstalledRelease second = release(2, service("app", "no-command", Map.of(), Map.of()));
    runner.load(second, layout);

    assertThatThrownBy(() -> runner.reconcile(second))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("No command specified");
    assertThat(runner.status()).isEqualTo(Map.of("app", "failed"));
  }

  @Test
  void previousReleaseRunsAgainAfterFailedStart() {
    InstalledRelease first = loadAndReconcile(release(1, service("app", "one", Map.of())));
    InstalledRelease second = release(2, service("app", "no-command", Map.of(), Map.of()));
    runner.load(second, layout);
    assertThatThrownBy(() -> runner.reconcile(second)).isInstanceOf(AgentException.class);

    loadAndReconcile(first);

    assertThat(runner.status()).isEqualTo(Map.of("app", "running"));
    assertThat(inspect("app").getImageId()).isEqualTo(LayoutImages.imageId("one").value());
  }

  @Test
  void containerOfOtherSpecIsNotReportedRunning() {
    InstalledRelease first = loadAndReconcile(release(1, service("app", "one", Map.of())));
    InstalledRelease second =
        release(
            2,
            service(
                "app",
                "one",
                Map.of(),
                Map.of("command", List.of("sh", "-c", LOOP), "network_mode", "overlay")));

    assertThatThrownBy(() -> runner.reconcile(second)).isInstanceOf(AgentException.class);

    assertThat(inspect("app").getState().getRunning()).isTrue();
    assertThat(runner.status()).isEqualTo(Map.of("app", "failed"));
  }

  @Test
  void reconcileTwiceKeepsContainer() {
    InstalledRelease release = loadAndReconcile(release(1, service("app", "one", Map.of())));
    String first = inspect("app").getId();

    runner.reconcile(release);

    assertThat(inspect("app").getId()).isEqualTo(first);
  }

  @Test
  void reconcileReplacesChangedAndRemovesDropped() {
    InstalledRelease first =
        release(
            1,
            service("changed", "one", Map.of()),
            service("same", "one", Map.of()),
            service("dropped", "one", Map.of()));
    loadAndReconcile(first);
    String changedBefore = inspect("changed").getId();
    String sameBefore = inspect("same").getId();
    InstalledRelease second =
        release(2, service("changed", "two", Map.of()), service("same", "one", Map.of()));

    loadAndReconcile(second);

    assertThat(inspect("changed").getId()).isNotEqualTo(changedBefore);
    assertThat(inspect("changed").getImageId()).isEqualTo(LayoutImages.imageId("two").value());
    assertThat(inspect("same").getId()).isEqualTo(sameBefore);
    assertThat(runner.status()).containsOnlyKeys("changed", "same");
  }

  @Test
  void reconcileRemovesImagesReleaseNoLongerUses() {
    InstalledRelease first =
        release(1, service("changed", "one", Map.of()), service("same", "one", Map.of()));
    loadAndReconcile(first);
    InstalledRelease second =
        release(2, service("changed", "two", Map.of()), service("same", "one", Map.of()));

    loadAndReconcile(second);

    assertThat(tags())
        .containsExactlyInAnyOrder(
            prefix() + "changed:" + manifest("two").hex().substring(0, 12),
            prefix() + "same:" + manifest("one").hex().substring(0, 12));
  }

  @Test
  void reconcileReplacesContainerWhenEnvironmentChanges() {
    InstalledRelease first =
        loadAndReconcile(release(1, service("app", "one", Map.of("MODE", "a"))));
    String before = inspect("app").getId();

    runner.reconcile(release(1, service("app", "one", Map.of("MODE", "b"))));

    assertThat(inspect("app").getId()).isNotEqualTo(before);
    assertThat(inspect("app").getConfig().getEnv()).contains("MODE=b");
  }

  @Test
  void reconcileLeavesOtherDevicesAlone() {
    String otherUuid = UUID.randomUUID().toString().replace("-", "");
    DockerServiceRunner other = new DockerServiceRunner(client, otherUuid, dataDir, List.of());
    try {
      InstalledRelease release = release(1, service("app", "one", Map.of()));
      other.load(release, layout);
      other.reconcile(release);

      runner.reconcile(new InstalledRelease(2, null, 2, "sha256:" + "0".repeat(64), Map.of()));

      assertThat(other.status()).isEqualTo(Map.of("app", "running"));
    } finally {
      TestEngine.removeDevice(client, otherUuid);
    }
  }

  @Test
  void reconcileWithoutLoadedImageFails() {
    InstalledRelease release = release(1, service("app", "one", Map.of()));

    assertThatThrownBy(() -> runner.reconcile(release))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("load the release")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.ENGINE_FAILED);
  }

  @Test
  void heldLocksFollowsLockFileWrittenInContainer() throws Exception {
    Map<String, Object> configuration =
        Map.of("command", "sh -c 'echo held > /tmp/slipway/updates.lock; " + LOOP + "'");
    InstalledRelease release =
        release(
            1, service("app", "one", Map.of(), configuration), service("free", "one", Map.of()));
    loadAndReconcile(release);

    waitFor(() -> !runner.heldLocks(Set.of("app", "free")).isEmpty());
    assertThat(runner.heldLocks(Set.of("app", "free"))).containsExactly("app");

    Files.delete(runner.lockDir("app").resolve(DockerServiceRunner.LOCK_FILE));
    assertThat(runner.heldLocks(Set.of("app", "free"))).isEmpty();
  }

  @Test
  void stopRemovesOnlyNamedServices() {
    InstalledRelease release =
        release(1, service("killed", "one", Map.of()), service("kept", "one", Map.of()));
    loadAndReconcile(release);

    runner.stop(Set.of("killed"));

    // The stopped service is still part of the release, waiting for its new container.
    assertThat(runner.status()).isEqualTo(Map.of("kept", "running", "killed", "installing"));
    assertThat(
            client
                .listContainersCmd()
                .withShowAll(true)
                .withNameFilter(List.of("slipway_" + uuid.substring(0, 8) + "_killed"))
                .exec())
        .isEmpty();
  }

  @Test
  void followLogsForwardsLinesOfNewContainers() throws Exception {
    Map<String, Object> configuration =
        Map.of("command", List.of("sh", "-c", "echo to-out; echo to-err >&2; " + LOOP));
    InstalledRelease release = release(1, service("app", "one", Map.of(), configuration));
    runner.load(release, layout);
    List<LogLine> lines = new CopyOnWriteArrayList<>();

    try (AutoCloseable following = runner.followLogs(lines::add)) {
      runner.reconcile(release);
      waitFor(() -> lines.size() >= 2);
    }

    assertThat(lines)
        .extracting(LogLine::service, LogLine::message, LogLine::stderr)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("app", "to-out", false),
            org.assertj.core.groups.Tuple.tuple("app", "to-err", true));
    assertThat(lines.get(0).timestamp()).isAfter(Instant.now().minus(Duration.ofMinutes(1)));
  }

  @Test
  void followLogsForwardsLinesOfRunningContainer() throws Exception {
    Map<String, Object> configuration =
        Map.of("command", List.of("sh", "-c", "while true; do echo tick; sleep 1; done"));
    InstalledRelease release =
        loadAndReconcile(release(1, service("ticker", "one", Map.of(), configuration)));
    List<LogLine> lines = new CopyOnWriteArrayList<>();

    try (AutoCloseable following = runner.followLogs(lines::add)) {
      waitFor(() -> !lines.isEmpty());
    }

    assertThat(lines.get(0).service()).isEqualTo("ticker");
    assertThat(lines.get(0).message()).isEqualTo("tick");
  }

  @Test
  void followLogsSurvivesEngineRestart() throws Exception {
    Path socket = dataDir.resolve("engine.sock");
    Path engine = Path.of(DockerServiceRunner.DEFAULT_HOST.getPath());
    List<LogLine> lines = new CopyOnWriteArrayList<>();
    try (DockerServiceRunner late =
            DockerServiceRunner.connect(URI.create("unix://" + socket), uuid, dataDir, List.of());
        AutoCloseable following = late.followLogs(lines::add)) {
      InstalledRelease first = release(1, ticker("before"));
      runner.load(first, layout);

      try (SocketRelay relay = SocketRelay.start(socket, engine)) {
        runner.reconcile(first);
        waitFor(() -> lines.stream().anyMatch(line -> line.message().equals("before")));
      }
      try (SocketRelay relay = SocketRelay.start(socket, engine)) {
        runner.reconcile(release(2, ticker("after")));
        waitFor(() -> lines.stream().anyMatch(line -> line.message().equals("after")));
      }
    }

    assertThat(lines).extracting(LogLine::service).containsOnly("ticker");
  }

  @Test
  void stoppedServiceStaysStoppedThroughReconcile() {
    InstalledRelease release =
        loadAndReconcile(
            release(1, service("app", "one", Map.of()), service("db", "two", Map.of())));

    runner.stopService("app");
    runner.reconcile(release);

    assertThat(runner.status()).isEqualTo(Map.of("app", "exited", "db", "running"));
    assertThat(inspect("app").getState().getRunning()).isFalse();
  }

  @Test
  void stoppedServiceIsNotRecreatedAfterKill() {
    InstalledRelease release = loadAndReconcile(release(1, service("app", "one", Map.of())));
    runner.stopService("app");

    // Kill-then-download removes the container, and restarting after a failed update reconciles.
    runner.stop(Set.of("app"));
    runner.reconcile(release);

    assertThat(runner.status()).isEqualTo(Map.of("app", DockerServiceRunner.INSTALLING));
  }

  @Test
  void startServiceRunsStoppedServiceAgain() {
    InstalledRelease release = loadAndReconcile(release(1, service("app", "one", Map.of())));
    runner.stopService("app");

    runner.startService("app");
    runner.reconcile(release);

    assertThat(runner.status()).isEqualTo(Map.of("app", "running"));
  }

  @Test
  void startServiceCreatesMissingContainer() {
    InstalledRelease release = loadAndReconcile(release(1, service("app", "one", Map.of())));
    runner.stopService("app");
    runner.stop(Set.of("app"));
    runner.reconcile(release);

    runner.startService("app");

    assertThat(runner.status()).isEqualTo(Map.of("app", "running"));
  }

  @Test
  void newReleaseStartsStoppedService() {
    loadAndReconcile(release(1, service("app", "one", Map.of())));
    runner.stopService("app");

    loadAndReconcile(release(2, service("app", "one", Map.of())));

    assertThat(runner.status()).isEqualTo(Map.of("app", "running"));
  }

  @Test
  void restartServiceStartsContainerAgain() {
    loadAndReconcile(release(1, service("app", "one", Map.of())));
    InspectContainerResponse before = inspect("app");

    runner.restartService("app");

    InspectContainerResponse after = inspect("app");
    assertThat(after.getId()).isEqualTo(before.getId());
    assertThat(after.getState().getRunning()).isTrue();
    assertThat(after.getState().getStartedAt()).isNotEqualTo(before.getState().getStartedAt());
  }

  @Test
  void unknownServiceNamesKnownServices() {
    loadAndReconcile(release(3, service("app", "one", Map.of()), service("db", "two", Map.of())));

    assertThatThrownBy(() -> runner.restartService("web"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Service 'web' is not in release 3; its services are [app, db]");
  }

  @Test
  void containerTerminalRunsShell() throws Exception {
    loadAndReconcile(release(1, service("app", "one", Map.of())));

    try (Terminal terminal = runner.openTerminal("app", 80, 24)) {
      TerminalOutput output = new TerminalOutput(terminal);
      byte[] typed = "echo h''i; exit 3\n".getBytes(StandardCharsets.UTF_8);
      terminal.write(typed, typed.length);

      assertThat(output.awaitEnd()).contains("hi\r\n");
      assertThat(terminal.waitFor()).isEqualTo(3);
    }
  }

  @Test
  void terminalInStoppedServiceFails() {
    loadAndReconcile(release(1, service("app", "one", Map.of())));
    runner.stopService("app");

    assertThatThrownBy(() -> runner.openTerminal("app", 80, 24))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Service 'app' does not run (exited)");
  }

  @Test
  void reconcileStartsContainerLeftCreated() {
    InstalledRelease release = loadAndReconcile(release(1, service("app", "one", Map.of())));
    InspectContainerResponse started = inspect("app");
    client.removeContainerCmd(started.getId()).withForce(true).exec();
    String created =
        client
            .createContainerCmd(started.getImageId())
            .withName(started.getName().substring(1))
            .withLabels(started.getConfig().getLabels())
            .withCmd(started.getConfig().getCmd())
            .withHostConfig(started.getHostConfig())
            .exec()
            .getId();

    runner.reconcile(release);

    assertThat(inspect("app").getId()).isEqualTo(created);
    assertThat(inspect("app").getState().getRunning()).isTrue();
  }

  @Test
  void hostPathOutsideAllowedRootsIsRejected() {
    Map<String, Object> configuration = Map.of("volumes", List.of("/etc:/host-etc:ro"));
    InstalledRelease release = release(1, service("app", "one", Map.of(), configuration));
    runner.load(release, layout);

    assertThatThrownBy(() -> runner.reconcile(release))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("/etc")
        .hasMessageContaining("outside the directories this device allows");
  }

  @Test
  void hostPathInsideAllowedRootIsMounted() throws Exception {
    Path shared = Files.createDirectories(dataDir.resolve("shared"));
    DockerServiceRunner allowing = new DockerServiceRunner(client, uuid, dataDir, List.of(shared));
    Map<String, Object> configuration = Map.of("volumes", List.of(shared + ":/shared:ro"));
    InstalledRelease release = release(1, service("app", "one", Map.of(), configuration));
    allowing.load(release, layout);

    allowing.reconcile(release);

    assertThat(Arrays.stream(inspect("app").getHostConfig().getBinds()).map(Bind::toString))
        .contains(shared.toRealPath() + ":/shared:ro");
  }

  private String prefix() {
    return "slipway/" + uuid.substring(0, 8) + "/";
  }

  private List<String> tags() {
    List<String> tags = new java.util.ArrayList<>();
    for (com.github.dockerjava.api.model.Image image : client.listImagesCmd().exec()) {
      for (String tag : image.getRepoTags() == null ? new String[0] : image.getRepoTags()) {
        if (tag.startsWith(prefix())) {
          tags.add(tag);
        }
      }
    }
    return tags;
  }

  private InspectContainerResponse inspect(String service) {
    return client.inspectContainerCmd("slipway_" + uuid.substring(0, 8) + "_" + service).exec();
  }

  private static Digest manifest(String variant) {
    return layout.resolve(variant);
  }

  private static InstalledService ticker(String word) {
    String script = "while true; do echo " + word + "; sleep 1; done";
    return service("ticker", "one", Map.of(), Map.of("command", List.of("sh", "-c", script)));
  }

  private static InstalledService service(String name, String variant, Map<String, String> env) {
    return service(name, variant, env, Map.of("command", List.of("sh", "-c", LOOP)));
  }

  private static InstalledService service(
      String name, String variant, Map<String, String> env, Map<String, Object> configuration) {
    Digest manifest = manifest(variant);
    return new InstalledService(
        name,
        "127.0.0.1:5000/org/fleet/" + name + "@" + manifest,
        manifest,
        manifest,
        variant,
        env,
        Map.of(TestEngine.TEST_LABEL, "true"),
        configuration);
  }

  /** Loads {@code release}'s images into the engine and reconciles to it, as a switch does. */
  private InstalledRelease loadAndReconcile(InstalledRelease release) {
    runner.load(release, layout);
    runner.reconcile(release);
    return release;
  }

  private static InstalledRelease release(long id, InstalledService... services) {
    Map<String, InstalledService> byName = new LinkedHashMap<>();
    for (InstalledService service : services) {
      byName.put(service.name(), service);
    }
    return new InstalledRelease(id, "v" + id, id, "sha256:" + "0".repeat(64), byName);
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Condition not met within 20 s");
      }
      Thread.sleep(100);
    }
  }
}
