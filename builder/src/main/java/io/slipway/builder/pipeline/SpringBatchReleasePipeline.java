package io.slipway.builder.pipeline;

import io.slipway.builder.BuildEngine;
import io.slipway.builder.cache.BuildCache;
import io.slipway.builder.cache.InMemoryBuildCache;
import io.slipway.builder.plan.AvailableEngines;
import io.slipway.builder.plan.EmulatorCheck;
import io.slipway.builder.plan.EngineChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The release pipeline as a Spring Batch job stored in the caller's {@link JobRepository}. See
 * {@link ReleasePipeline} for the contract and {@link Builder} for the settings.
 *
 * <p>Threads: {@link #start} returns at once and the job runs on a launcher thread; its partitions
 * run on a pool of {@code workers} threads shared by every release, so at most {@code workers}
 * builds run at once across all releases. Both pools use daemon threads and {@link #close} does not
 * interrupt them: a build cut short by the process ending stays STARTED in the job repository, and
 * {@link #recoverInterrupted} resumes it in the next process. Safe for concurrent use.
 */
public final class SpringBatchReleasePipeline implements ReleasePipeline, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SpringBatchReleasePipeline.class);

  private final PipelineParts parts;
  private final Job job;
  private final TaskExecutorJobOperator operator;
  private final ThreadPoolTaskExecutor launchers;
  private final ThreadPoolTaskExecutor workers;
  // Ids of the executions this pipeline launched that have not ended: added when an execution is
  // created, so that a recovery never takes one still queued here, and removed when it ends. A job
  // that ends before its id is added leaves the id behind, which is harmless because that
  // execution is no longer running.
  private final Set<Long> running = ConcurrentHashMap.newKeySet();

  // Held while an execution is created and recorded, and while recovery scans for executions.
  private final Object launching = new Object();

  private SpringBatchReleasePipeline(Builder builder) {
    this.parts = builder.parts();
    this.workers = pool("slipway-build-", builder.workers);
    this.launchers = pool("slipway-release-", builder.releases);
    this.job = ReleaseJob.create(parts, workers, builder.workers, running);
    this.operator = JobOperators.forJob(parts.jobRepository(), job, launchers);
  }

  /** Returns a builder for a pipeline. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public long start(BuildOrder order) {
    Objects.requireNonNull(order, "order");
    synchronized (launching) {
      return launch(order);
    }
  }

  private long launch(BuildOrder order) {
    JobParameters parameters = parameters(order.releaseId());
    JobExecution last = parts.jobRepository().getLastJobExecution(ReleaseJob.NAME, parameters);
    if (last != null && last.isRunning()) {
      throw new PipelineException(
          "Release " + order.releaseId() + " is already building in job execution " + last.getId());
    }

    BuildDirectory directory = BuildDirectory.of(parts.buildRoot(), order.releaseId());
    directory.writeOrder(order);
    try {
      JobExecution execution = operator.start(job, parameters(order.releaseId(), directory));
      running.add(execution.getId());
      LOG.info(
          "Release {}: launched job execution {} for version {}",
          order.releaseId(),
          execution.getId(),
          order.version());
      return execution.getId();
    } catch (JobExecutionAlreadyRunningException
        | JobInstanceAlreadyCompleteException
        | JobRestartException
        | InvalidJobParametersException e) {
      throw new PipelineException(
          "Release " + order.releaseId() + " cannot be built: " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>NOTE: every execution left running in the job repository counts as interrupted, except those
   * of this pipeline. Two servers on one database would take over each other's builds.
   */
  @Override
  public int recoverInterrupted() {
    int restarted = 0;
    synchronized (launching) {
      for (JobExecution execution :
          parts.jobRepository().findRunningJobExecutions(ReleaseJob.NAME)) {
        if (!running.contains(execution.getId()) && recover(execution)) {
          restarted++;
        }
      }
    }
    return restarted;
  }

  /**
   * Stops launching builds. Running builds are left to end with the process; see the type's
   * documentation.
   */
  @Override
  public void close() {
    launchers.getThreadPoolExecutor().shutdown();
    workers.getThreadPoolExecutor().shutdown();
  }

  /**
   * Waits, after {@link #close}, until the threads of every build this pipeline ran have ended. For
   * tests.
   *
   * @return false when some still run after {@code timeout}
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean workersEnded =
        workers.getThreadPoolExecutor().awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    long left = Math.max(0, deadline - System.nanoTime());
    return workersEnded
        && launchers.getThreadPoolExecutor().awaitTermination(left, TimeUnit.NANOSECONDS);
  }

  private boolean recover(JobExecution execution) {
    long releaseId = ReleaseState.releaseId(execution.getJobParameters());
    LOG.warn(
        "Release {}: job execution {} was left {} by a process that ended; recovering it",
        releaseId,
        execution.getId(),
        execution.getStatus());
    JobExecution failed = operator.recover(execution);

    String missing = missingInput(execution);
    if (missing != null) {
      abandon(releaseId, failed, missing);
      return false;
    }
    try {
      JobExecution restarted = operator.restart(failed);
      running.add(restarted.getId());
      LOG.info(
          "Release {}: restarted job execution {} as {}",
          releaseId,
          execution.getId(),
          restarted.getId());
      return true;
    } catch (JobRestartException e) {
      abandon(releaseId, failed, "it cannot be restarted: " + e.getMessage());
      return false;
    }
  }

  private static String missingInput(JobExecution execution) {
    Path orderFile = ReleaseState.orderFile(execution.getJobParameters());
    if (!Files.isRegularFile(orderFile)) {
      return "its order file " + orderFile + " is missing";
    }
    Path source = BuildDirectory.ofOrderFile(orderFile).readOrder().source();
    if (!Files.isDirectory(source)) {
      return "its source tree " + source + " is missing";
    }
    return null;
  }

  private void abandon(long releaseId, JobExecution execution, String problem) {
    String reason = "The build was interrupted and cannot resume because " + problem;
    LOG.error("Release {}: abandoning job execution {}: {}", releaseId, execution.getId(), reason);
    try {
      operator.abandon(execution);
    } catch (JobExecutionAlreadyRunningException e) {
      throw new PipelineException(
          "Release " + releaseId + ": job execution " + execution.getId() + " is running", e);
    }
    BuildDirectory.ofOrderFile(ReleaseState.orderFile(execution.getJobParameters())).delete();
    parts.sink().failed(releaseId, reason + "; start a new build");
  }

  private static JobParameters parameters(long releaseId) {
    return new JobParametersBuilder().addLong(ReleaseState.RELEASE_ID, releaseId).toJobParameters();
  }

  private static JobParameters parameters(long releaseId, BuildDirectory directory) {
    return new JobParametersBuilder()
        .addLong(ReleaseState.RELEASE_ID, releaseId)
        .addString(ReleaseState.ORDER_FILE, directory.orderFile().toString(), false)
        .toJobParameters();
  }

  private static ThreadPoolTaskExecutor pool(String prefix, int threads) {
    ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
    pool.setThreadNamePrefix(prefix);
    pool.setCorePoolSize(threads);
    pool.setMaxPoolSize(threads);
    pool.setDaemon(true);
    pool.initialize();
    return pool;
  }

  /**
   * Settings of a {@link SpringBatchReleasePipeline}. The job repository, sink, registry access,
   * engines and build root are required.
   */
  public static final class Builder {

    private JobRepository jobRepository;
    private ReleaseSink sink;
    private RegistryAccess access;
    private ReleaseRegistry registry;
    private ReleasePlanner planner;
    private EmulatorCheck emulators = EmulatorCheck.binfmt();
    private Map<String, BuildEngine> engines;
    private BuildCache cache = new InMemoryBuildCache();
    private List<ReleaseHook> hooks = List.of();
    private Duration credentialLifetime = Duration.ofHours(2);
    private Path buildRoot;
    private int workers = 2;
    private int releases = 4;

    private Builder() {}

    /** Sets where job executions are stored, such as a JDBC repository on the server's database. */
    public Builder jobRepository(JobRepository jobRepository) {
      this.jobRepository = jobRepository;
      return this;
    }

    /** Sets the receiver of build logs and outcomes. */
    public Builder sink(ReleaseSink sink) {
      this.sink = sink;
      return this;
    }

    /** Sets the registry address and the source of short-lived credentials. */
    public Builder registryAccess(RegistryAccess access) {
      this.access = access;
      return this;
    }

    /**
     * Sets the registry operations: base image pinning, manifest checks and index pushes. Defaults
     * to a {@link ClientReleaseRegistry} on the registry access's registry, with a 60 s timeout.
     */
    public Builder registry(ReleaseRegistry registry) {
      this.registry = registry;
      return this;
    }

    /**
     * Sets the planner. Defaults to a {@link ProjectPlanner} on the registry, the engines given and
     * the {@linkplain #emulators emulator check}. The defaults read {@link
     * RegistryAccess#registry()} at each use, so it may be unknown while the pipeline is built.
     */
    public Builder planner(ReleasePlanner planner) {
      this.planner = planner;
      return this;
    }

    /** Sets the check for foreign platforms that can run commands. Defaults to binfmt_misc. */
    public Builder emulators(EmulatorCheck emulators) {
      this.emulators = emulators;
      return this;
    }

    /** Sets the build engines, by {@link BuildEngine#name()}. */
    public Builder engines(Map<String, BuildEngine> engines) {
      this.engines = Map.copyOf(engines);
      return this;
    }

    /** Sets the build cache. Defaults to one in memory, lost when the process ends. */
    public Builder cache(BuildCache cache) {
      this.cache = cache;
      return this;
    }

    /** Sets the hooks run after every index is pushed, in order. Defaults to none. */
    public Builder hooks(List<ReleaseHook> hooks) {
      this.hooks = List.copyOf(hooks);
      return this;
    }

    /** Sets how long the credentials of one partition or step must stay valid. Defaults to 2 h. */
    public Builder credentialLifetime(Duration credentialLifetime) {
      this.credentialLifetime = credentialLifetime;
      return this;
    }

    /** Sets the directory for each release's build directory. Must be on a local file system. */
    public Builder buildRoot(Path buildRoot) {
      this.buildRoot = buildRoot;
      return this;
    }

    /** Sets how many partitions build at once across all releases. Defaults to 2. */
    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    /** Sets how many releases run their steps at once. Others wait in a queue. Defaults to 4. */
    public Builder releases(int releases) {
      this.releases = releases;
      return this;
    }

    /**
     * Returns the pipeline.
     *
     * @throws NullPointerException naming a required setting that is missing
     * @throws IllegalArgumentException when a count is below 1
     */
    public SpringBatchReleasePipeline build() {
      if (workers < 1 || releases < 1) {
        throw new IllegalArgumentException(
            "Workers " + workers + " and releases " + releases + " must be at least 1");
      }
      return new SpringBatchReleasePipeline(this);
    }

    private PipelineParts parts() {
      Objects.requireNonNull(access, "registryAccess");
      Objects.requireNonNull(engines, "engines");
      ReleasePlanner chosen =
          planner != null ? planner : defaultPlanner(access, available(engines), emulators);
      return new PipelineParts(
          Objects.requireNonNull(jobRepository, "jobRepository"),
          Objects.requireNonNull(sink, "sink"),
          access,
          registry != null
              ? registry
              : new ClientReleaseRegistry(access::registry, Duration.ofSeconds(60)),
          chosen,
          engines,
          Objects.requireNonNull(cache, "cache"),
          hooks,
          Objects.requireNonNull(credentialLifetime, "credentialLifetime"),
          Objects.requireNonNull(buildRoot, "buildRoot").toAbsolutePath());
    }

    /** Returns a planner that reads the registry address at each plan, not at startup. */
    private static ReleasePlanner defaultPlanner(
        RegistryAccess access, AvailableEngines engines, EmulatorCheck emulators) {
      return (order, baseImages) ->
          new ProjectPlanner(access.registry(), engines, emulators).plan(order, baseImages);
    }

    private static AvailableEngines available(Map<String, BuildEngine> engines) {
      return new AvailableEngines(
          engines.containsKey(EngineChoice.BUILDKIT.engineName()),
          engines.containsKey(EngineChoice.DOCKER.engineName()));
    }
  }
}
