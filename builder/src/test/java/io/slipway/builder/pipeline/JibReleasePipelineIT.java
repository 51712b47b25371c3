package io.slipway.builder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.BuildEngine;
import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.TestRegistry;
import io.slipway.builder.cache.JdbcBuildCache;
import io.slipway.builder.engine.jib.JibEngine;
import io.slipway.builder.engine.jib.JibSettings;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.plan.EngineChoice;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.testing.image.BusyboxImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The release pipeline end to end with real parts: a Slipway registry on loopback, the Jib engine,
 * the planner, and a JDBC job repository and build cache on H2.
 */
class JibReleasePipelineIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String FLEET = "acme/sensors";
  private static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
  private static final Instant CREATED = Instant.parse("2026-12-01T10:00:00Z");

  private static TestRegistry registry;
  private static RegistryClient client;
  private static Path directory;

  @BeforeAll
  static void start(@TempDir Path temp) throws Exception {
    directory = temp;
    registry = TestRegistry.start();
    RegistryCredentials credentials = registry.credentials();
    BusyboxImages.push(
        registry.host(),
        "acme/base/busybox",
        "1.0",
        credentials.username(),
        credentials.password());
    client = new RegistryClient(registry.host(), credentials, Duration.ofSeconds(30));
    Path source = Files.createDirectories(directory.resolve("source"));
    Files.writeString(
        source.resolve("Dockerfile"),
        "FROM acme/base/busybox:1.0\nCOPY hello.txt /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n");
    Files.writeString(source.resolve("hello.txt"), "hello from the pipeline\n");
  }

  @AfterAll
  static void stop() throws Exception {
    registry.close();
  }

  @Test
  void releasePushesIndexAndRebuildBuildsNothing() throws Exception {
    BatchDatabase database = BatchDatabase.h2();
    CountingEngine engine =
        new CountingEngine(new JibEngine(JibSettings.in(directory.resolve("jib-cache"))));
    RecordingSink sink = new RecordingSink();
    try (SpringBatchReleasePipeline pipeline = pipeline(database, engine, sink)) {
      pipeline.start(order(1, "1.0.0"));
      RecordingSink.Outcome first = sink.awaitOutcome(TIMEOUT);
      assertThat(first.reason()).isNull();
      BuiltService service = first.services().get(0);
      JsonNode index = index(service);
      assertThat(engine.calls).hasSize(2);
      assertThat(index.at("/manifests").size()).isEqualTo(2);
      assertThat(index.at("/annotations/org.opencontainers.image.revision").asString())
          .isEqualTo(COMMIT);
      assertThat(index.at("/annotations/org.opencontainers.image.created").asString())
          .isEqualTo("2026-12-01T10:00:00Z");

      engine.calls.clear();
      long started = System.nanoTime();
      pipeline.start(order(2, "1.0.1"));
      RecordingSink.Outcome second = sink.awaitOutcome(TIMEOUT);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(engine.calls).isEmpty();
      assertThat(millis).as("no-change rebuild in ms").isLessThan(2000);
      assertThat(index(second.services().get(0)).at("/manifests"))
          .isEqualTo(index.at("/manifests"));
    }
  }

  private static JsonNode index(BuiltService service) {
    Manifest manifest = client.getManifest(service.repository(), service.indexDigest());
    assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    return JsonMapper.builder().build().readTree(manifest.bytes());
  }

  private static SpringBatchReleasePipeline pipeline(
      BatchDatabase database, BuildEngine engine, RecordingSink sink) {
    BatchDatabase.Process process = database.process();
    return SpringBatchReleasePipeline.builder()
        .jobRepository(process.jobRepository())
        .sink(sink)
        .registryAccess(new TestAccess())
        .engines(Map.of(engine.name(), engine))
        .cache(new JdbcBuildCache(database.plain()))
        .buildRoot(directory.resolve("builds"))
        .build();
  }

  private static BuildOrder order(long releaseId, String version) {
    return new BuildOrder(
        releaseId,
        version,
        FLEET,
        directory.resolve("source"),
        COMMIT,
        CREATED,
        List.of(
            new BuildTarget("generic-amd64", "amd64", Platform.LINUX_AMD64),
            new BuildTarget("raspberrypi4-64", "aarch64", Platform.LINUX_ARM64)),
        EngineChoice.AUTO,
        false);
  }

  /** The test registry's address and its one user. */
  private static final class TestAccess implements RegistryAccess {

    @Override
    public String registry() {
      return registry.host();
    }

    @Override
    public RegistryCredentials credentials(String fleetRepository, Duration lifetime) {
      return registry.credentials();
    }
  }

  /** Counts the partitions an engine builds. */
  private static final class CountingEngine implements BuildEngine {

    private final BuildEngine delegate;
    final List<String> calls = new CopyOnWriteArrayList<>();

    CountingEngine(BuildEngine delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public boolean runsCommands() {
      return delegate.runsCommands();
    }

    @Override
    public BuildResult build(BuildRequest request, BuildLog log) {
      calls.add(request.partition());
      return delegate.build(request, log);
    }
  }
}
