package io.slipway.builder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildEngine;
import io.slipway.builder.cache.BuildCache;
import io.slipway.builder.cache.InMemoryBuildCache;
import io.slipway.builder.cache.JdbcBuildCache;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.plan.EngineChoice;
import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

class SpringBatchReleasePipelineIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String FLEET = "acme/sensors";
  private static final BuildTarget AMD64 =
      new BuildTarget("generic-amd64", "amd64", Platform.LINUX_AMD64);
  private static final BuildTarget ARM64 =
      new BuildTarget("raspberrypi4-64", "aarch64", Platform.LINUX_ARM64);

  @TempDir Path temp;

  private BatchDatabase database = BatchDatabase.h2();
  private final FakeRegistry registry = new FakeRegistry();
  private final List<SpringBatchReleasePipeline> pipelines = new ArrayList<>();
  private final List<TestEngine> engines = new ArrayList<>();
  private Path source;

  @BeforeEach
  void writeProject() throws IOException {
    source = Files.createDirectories(temp.resolve("source"));
    Files.writeString(source.resolve("Dockerfile"), "FROM scratch\nCOPY app /app\n");
    Files.writeString(source.resolve("app"), "hello\n");
  }

  static List<BatchDatabase> databases() {
    return BatchDatabase.all();
  }

  @AfterEach
  void endBuilds() {
    engines.forEach(engine -> engine.release.countDown());
    pipelines.forEach(SpringBatchReleasePipeline::close);
  }

  @Test
  void buildSucceedsWithOneIndexPerService() throws Exception {
    RecordingSink sink = new RecordingSink();
    TestEngine engine = engine();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine);

    pipeline.start(order(1, "1.0.0", false));

    RecordingSink.Outcome outcome = sink.awaitOutcome(TIMEOUT);
    assertThat(outcome.reason()).isNull();
    BuiltService service = outcome.services().get(0);
    assertThat(service.name()).isEqualTo("main");
    assertThat(service.repository()).isEqualTo(FLEET + "/main");
    assertThat(service.indexDigest()).isEqualTo(registry.indexes.get(FLEET + "/main:1.0.0"));
    assertThat(engine.calls).containsExactlyInAnyOrder("main@linux/amd64", "main@linux/arm64");
  }

  @Test
  void partitionLogLinesCarryServiceAndPlatform() throws Exception {
    RecordingSink sink = new RecordingSink();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine());

    pipeline.start(order(1, "1.0.0", false));
    sink.awaitOutcome(TIMEOUT);

    assertThat(sink.lines)
        .filteredOn(line -> line.text().startsWith("Step 2/2"))
        .extracting(RecordingSink.Line::service, RecordingSink.Line::platform)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("main", Platform.LINUX_AMD64),
            org.assertj.core.groups.Tuple.tuple("main", Platform.LINUX_ARM64));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void rebuildWithoutChangeCallsNoEngine(BatchDatabase database) throws Exception {
    this.database = database;
    RecordingSink sink = new RecordingSink();
    TestEngine engine = engine();
    BuildCache cache = new JdbcBuildCache(database.plain());
    SpringBatchReleasePipeline pipeline = pipeline(database.process(), sink, engine, cache);
    buildFirstRelease(pipeline, sink, engine);

    long started = System.nanoTime();
    pipeline.start(order(2, "1.0.1", false));
    RecordingSink.Outcome outcome = sink.awaitOutcome(TIMEOUT);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(outcome.succeeded()).isTrue();
    assertThat(engine.calls).isEmpty();
    assertThat(millis).as("no-change rebuild in ms").isLessThan(1000);
  }

  @Test
  void cachedManifestMissingFromRegistryIsRebuilt() throws Exception {
    RecordingSink sink = new RecordingSink();
    TestEngine engine = engine();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine);
    buildFirstRelease(pipeline, sink, engine);
    registry.deleteManifests();

    pipeline.start(order(2, "1.0.1", false));

    assertThat(sink.awaitOutcome(TIMEOUT).succeeded()).isTrue();
    assertThat(engine.calls).hasSize(2);
  }

  @Test
  void noCacheOrderBuildsEveryPartition() throws Exception {
    RecordingSink sink = new RecordingSink();
    TestEngine engine = engine();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine);
    buildFirstRelease(pipeline, sink, engine);

    pipeline.start(order(2, "1.0.1", true));

    assertThat(sink.awaitOutcome(TIMEOUT).succeeded()).isTrue();
    assertThat(engine.calls).hasSize(2);
  }

  @Test
  void imageOnlyServiceIsReleasedByDigest() throws Exception {
    writeComposeProject("acme/base/redis:7");
    String redis = FakeRegistry.sha256("redis");
    registry.pushTagged("acme/base/redis", "7", redis);
    RecordingSink sink = new RecordingSink();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine());

    pipeline.start(order(1, "1.0.0", false));

    List<BuiltService> services = sink.awaitOutcome(TIMEOUT).services();
    assertThat(services).extracting(BuiltService::name).containsExactly("web", "cache");
    assertThat(services.get(1).repository()).isEqualTo("acme/base/redis");
    assertThat(services.get(1).indexDigest()).isEqualTo(redis);
    assertThat(services.get(1).environment()).containsEntry("MAXMEMORY", "64mb");
  }

  @Test
  void missingImageFailsBeforeAnyEngineCall() throws Exception {
    writeComposeProject("acme/base/redis:7");
    RecordingSink sink = new RecordingSink();
    TestEngine engine = engine();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine);

    pipeline.start(order(1, "1.0.0", false));

    String reason = sink.awaitOutcome(TIMEOUT).reason();
    assertThat(reason).startsWith("docker-compose.yml:4: image acme/base/redis:7 of service cache");
    assertThat(engine.calls).isEmpty();
  }

  @Test
  void badInputFailsBeforeAnyEngineCall() throws Exception {
    Files.delete(source.resolve("Dockerfile"));
    RecordingSink sink = new RecordingSink();
    TestEngine engine = engine();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine);

    pipeline.start(order(1, "1.0.0", false));

    RecordingSink.Outcome outcome = sink.awaitOutcome(TIMEOUT);
    assertThat(outcome.reason()).startsWith("Dockerfile: ");
    assertThat(engine.calls).isEmpty();
  }

  @Test
  void failedPartitionFailsReleaseWithLogTail() throws Exception {
    RecordingSink sink = new RecordingSink();
    TestEngine engine = engine().on(Platform.LINUX_ARM64, TestEngine.Behaviour.FAIL);
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine);

    pipeline.start(order(1, "1.0.0", false));

    RecordingSink.Outcome outcome = sink.awaitOutcome(TIMEOUT);
    assertThat(outcome.reason()).startsWith("Service main failed for linux/arm64: COPY failed");
    assertThat(outcome.reason()).contains("Step 2/2 : assembling linux/arm64");
    assertThat(registry.indexes).isEmpty();
  }

  @Test
  void failingHookFailsRelease() throws Exception {
    RecordingSink sink = new RecordingSink();
    ReleaseHook hook =
        (releaseId, services, log) -> {
          throw new IllegalStateException("signing key acme-2026 is revoked");
        };
    SpringBatchReleasePipeline pipeline =
        builder(database.process(), sink, engine(), new InMemoryBuildCache())
            .hooks(List.of(hook))
            .build();
    pipelines.add(pipeline);

    pipeline.start(order(1, "1.0.0", false));

    assertThat(sink.awaitOutcome(TIMEOUT).reason())
        .endsWith(" failed: signing key acme-2026 is revoked");
  }

  @Test
  void hooksReceivePushedServices() throws Exception {
    RecordingSink sink = new RecordingSink();
    List<BuiltService> seen = new CopyOnWriteArrayList<>();
    SpringBatchReleasePipeline pipeline =
        builder(database.process(), sink, engine(), new InMemoryBuildCache())
            .hooks(List.of((releaseId, services, log) -> seen.addAll(services)))
            .build();
    pipelines.add(pipeline);

    pipeline.start(order(1, "1.0.0", false));

    assertThat(seen).isEqualTo(sink.awaitOutcome(TIMEOUT).services());
  }

  @Test
  void releasesBuildAtTheSameTime() throws Exception {
    Path other = Files.createDirectories(temp.resolve("other"));
    Files.writeString(other.resolve("Dockerfile"), "FROM scratch\nCOPY app /srv/app\n");
    Files.writeString(other.resolve("app"), "other\n");
    RecordingSink sink = new RecordingSink();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine());

    pipeline.start(order(1, "1.0.0", false));
    pipeline.start(withSource(order(2, "3.0.0", false), other));

    assertThat(sink.awaitOutcome(TIMEOUT).succeeded()).isTrue();
    assertThat(sink.awaitOutcome(TIMEOUT).succeeded()).isTrue();
  }

  @Test
  void startWhileBuildingIsRejected() throws Exception {
    TestEngine engine = engine().on(Platform.LINUX_ARM64, TestEngine.Behaviour.HANG);
    SpringBatchReleasePipeline pipeline = pipeline(new RecordingSink(), engine);
    pipeline.start(order(1, "1.0.0", false));
    assertThat(engine.hanging.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> pipeline.start(order(1, "1.0.0", false)))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("Release 1 is already building");
  }

  @Test
  void buildDirectoryIsRemovedWhenJobEnds() throws Exception {
    RecordingSink sink = new RecordingSink();
    SpringBatchReleasePipeline pipeline = pipeline(sink, engine());

    long execution = pipeline.start(order(1, "1.0.0", false));
    sink.awaitOutcome(TIMEOUT);
    JobRepository jobRepository = database.process().jobRepository();
    awaitEnd(jobRepository, execution);

    assertThat(buildRoot().resolve("release-1")).doesNotExist();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void interruptedBuildResumesWithoutRebuildingFinishedPartitions(BatchDatabase database)
      throws Exception {
    this.database = database;
    Crash crash = crashDuringArm64Build();

    BatchDatabase.Process next = database.process();
    RecordingSink sink = new RecordingSink();
    TestEngine second = engine();
    SpringBatchReleasePipeline restarted = pipeline(next, sink, second, new InMemoryBuildCache());
    int recovered = restarted.recoverInterrupted();

    RecordingSink.Outcome outcome = sink.awaitOutcome(TIMEOUT);
    assertThat(recovered).isEqualTo(1);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(second.calls).containsExactly("main@linux/arm64");
    assertThat(crash.engine().calls)
        .containsExactlyInAnyOrder("main@linux/amd64", "main@linux/arm64");
    assertThat(registry.indexes).containsKey(FLEET + "/main:2.0.0");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void buildInterruptedTwiceStillResumes(BatchDatabase database) throws Exception {
    this.database = database;
    crashDuringArm64Build();
    BatchDatabase.Process secondProcess = database.process();
    TestEngine second = engine().on(Platform.LINUX_ARM64, TestEngine.Behaviour.HANG);
    pipeline(secondProcess, new RecordingSink(), second, new InMemoryBuildCache())
        .recoverInterrupted();
    assertThat(second.hanging.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    secondProcess.die();

    RecordingSink sink = new RecordingSink();
    TestEngine third = engine();
    int recovered =
        pipeline(database.process(), sink, third, new InMemoryBuildCache()).recoverInterrupted();

    assertThat(recovered).isEqualTo(1);
    assertThat(sink.awaitOutcome(TIMEOUT).succeeded()).isTrue();
    assertThat(third.calls).containsExactly("main@linux/arm64");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void recoveryMarksDeadExecutionFailed(BatchDatabase database) throws Exception {
    this.database = database;
    long interruptedId = crashDuringArm64Build().executionId();

    BatchDatabase.Process next = database.process();
    RecordingSink sink = new RecordingSink();
    pipeline(next, sink, engine(), new InMemoryBuildCache()).recoverInterrupted();
    sink.awaitOutcome(TIMEOUT);

    long resumedId = lastExecutionId(next.jobRepository());
    awaitEnd(next.jobRepository(), resumedId);

    JobExecution interrupted = next.jobRepository().getJobExecution(interruptedId);
    assertThat(interrupted.getStatus()).isEqualTo(BatchStatus.FAILED);
    assertThat(interrupted.getStepExecutions())
        .filteredOn(step -> step.getStepName().equals("buildPartition:main@linux/arm64"))
        .extracting(StepExecution::getStatus)
        .containsExactly(BatchStatus.FAILED);
    assertThat(next.jobRepository().getJobExecution(resumedId).getStatus())
        .isEqualTo(BatchStatus.COMPLETED);
  }

  @Test
  void interruptedBuildWithoutSourceIsAbandoned() throws Exception {
    long interruptedId = crashDuringArm64Build().executionId();
    BuildDirectory.deleteTree(source);

    BatchDatabase.Process next = database.process();
    RecordingSink sink = new RecordingSink();
    int recovered = pipeline(next, sink, engine(), new InMemoryBuildCache()).recoverInterrupted();

    assertThat(recovered).isZero();
    assertThat(sink.awaitOutcome(TIMEOUT).reason()).contains("its source tree " + source);
    assertThat(next.jobRepository().getJobExecution(interruptedId).getStatus())
        .isEqualTo(BatchStatus.ABANDONED);
  }

  @Test
  void recoveryWithoutRunningBuildsRestartsNothing() {
    SpringBatchReleasePipeline pipeline = pipeline(new RecordingSink(), engine());

    assertThat(pipeline.recoverInterrupted()).isZero();
  }

  /** A process that died during a build: its job execution and its engine. */
  private record Crash(long executionId, TestEngine engine) {}

  /**
   * Starts release 7 in a process whose arm64 build hangs, waits until amd64 has completed, and
   * kills the process: it stores nothing more and its executions stay as they were.
   */
  private Crash crashDuringArm64Build() throws InterruptedException {
    BatchDatabase.Process process = database.process();
    TestEngine engine = engine().on(Platform.LINUX_ARM64, TestEngine.Behaviour.HANG);
    long executionId =
        pipeline(process, new RecordingSink(), engine, new InMemoryBuildCache())
            .start(order(7, "2.0.0", false));
    assertThat(engine.hanging.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    awaitPartitionCompleted(process.jobRepository(), "main@linux/amd64");
    process.die();
    return new Crash(executionId, engine);
  }

  /** Replaces the project with a compose file: web built from ./web, cache from {@code image}. */
  private void writeComposeProject(String image) throws IOException {
    Files.delete(source.resolve("Dockerfile"));
    Path web = Files.createDirectories(source.resolve("web"));
    Files.writeString(web.resolve("Dockerfile"), "FROM scratch\nCOPY app /app\n");
    Files.writeString(web.resolve("app"), "hello\n");
    Files.writeString(
        source.resolve("docker-compose.yml"),
        "services:\n"
            + "  web:\n"
            + "    build: ./web\n"
            + "  cache:\n"
            + "    image: "
            + image
            + "\n"
            + "    environment:\n"
            + "      MAXMEMORY: 64mb\n");
  }

  /** Builds release 1 to the end, then clears the engine calls it made. */
  private void buildFirstRelease(
      SpringBatchReleasePipeline pipeline, RecordingSink sink, TestEngine engine)
      throws InterruptedException {
    pipeline.start(order(1, "1.0.0", false));
    assertThat(sink.awaitOutcome(TIMEOUT).succeeded()).isTrue();
    engine.calls.clear();
  }

  private static long lastExecutionId(JobRepository jobRepository) {
    var instance = jobRepository.getLastJobInstance(ReleaseJob.NAME);
    return jobRepository.getJobExecutions(instance).stream()
        .mapToLong(JobExecution::getId)
        .max()
        .orElseThrow();
  }

  private static void awaitEnd(JobRepository jobRepository, long executionId)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!jobRepository.getJobExecution(executionId).isRunning()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("Job execution " + executionId + " did not end within " + TIMEOUT);
  }

  private static void awaitPartitionCompleted(JobRepository jobRepository, String partition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      var instance = jobRepository.getLastJobInstance(ReleaseJob.NAME);
      StepExecution step =
          instance == null
              ? null
              : jobRepository.getLastStepExecution(instance, "buildPartition:" + partition);
      if (step != null && step.getStatus() == BatchStatus.COMPLETED) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("Partition " + partition + " did not complete within " + TIMEOUT);
  }

  private TestEngine engine() {
    TestEngine engine = new TestEngine(registry);
    engines.add(engine);
    return engine;
  }

  private SpringBatchReleasePipeline pipeline(RecordingSink sink, TestEngine engine) {
    return pipeline(database.process(), sink, engine, new InMemoryBuildCache());
  }

  private SpringBatchReleasePipeline pipeline(
      BatchDatabase.Process process, RecordingSink sink, TestEngine engine, BuildCache cache) {
    SpringBatchReleasePipeline pipeline = builder(process, sink, engine, cache).build();
    pipelines.add(pipeline);
    return pipeline;
  }

  private SpringBatchReleasePipeline.Builder builder(
      BatchDatabase.Process process, RecordingSink sink, TestEngine engine, BuildCache cache) {
    return SpringBatchReleasePipeline.builder()
        .jobRepository(process.jobRepository())
        .sink(sink)
        .registryAccess(registry)
        .registry(registry)
        .engines(Map.<String, BuildEngine>of(engine.name(), engine))
        .cache(cache)
        .buildRoot(buildRoot())
        .workers(2);
  }

  private Path buildRoot() {
    return temp.resolve("builds");
  }

  private static BuildOrder withSource(BuildOrder order, Path source) {
    return new BuildOrder(
        order.releaseId(),
        order.version(),
        order.fleetRepository(),
        source,
        order.commit(),
        order.created(),
        order.targets(),
        order.engine(),
        order.noCache());
  }

  private BuildOrder order(long releaseId, String version, boolean noCache) {
    return new BuildOrder(
        releaseId,
        version,
        FLEET,
        source,
        "0123456789abcdef0123456789abcdef01234567",
        Instant.parse("2026-12-01T10:00:00Z"),
        List.of(AMD64, ARM64),
        EngineChoice.AUTO,
        noCache);
  }
}
