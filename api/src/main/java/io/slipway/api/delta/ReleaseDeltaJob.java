package io.slipway.api.delta;

import io.slipway.api.delta.ReleaseDeltaPlanner.PlannedDelta;
import io.slipway.api.event.ReleaseSucceeded;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseRepository;
import io.slipway.builder.pipeline.JobOperators;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The Spring Batch job {@value #NAME} that makes a release's deltas once it succeeded: one step,
 * {@value #STEP}, plans the pairs with {@link ReleaseDeltaPlanner} and makes each on the job's
 * thread through {@link DeltaService#makeNow}. The job instance is keyed by the release id, so a
 * release gets one. The step skips a pair that is made, being made or known to have no delta, so a
 * failed execution can simply run again. It starts after the transaction that finished the release
 * commits, on a single launcher thread, and runs in the server's job repository like the builds.
 * Executions that a stopped process left running start again when the server is ready. Safe for
 * concurrent use.
 */
@Component
class ReleaseDeltaJob implements DisposableBean {

  /** The job's name in the job repository. */
  static final String NAME = "releaseDeltas";

  /** The step's name. */
  static final String STEP = "makeDeltas";

  /** The job parameter that names the release. */
  static final String RELEASE_ID = "release.id";

  private static final Logger log = LoggerFactory.getLogger(ReleaseDeltaJob.class);

  private final ReleaseRepository releases;
  private final FleetRepository fleets;
  private final ReleaseDeltaPlanner planner;
  private final DeltaService deltas;
  private final DeltaProperties properties;
  private final ThreadPoolTaskExecutor launcher = new ThreadPoolTaskExecutor();
  private final JobRepository jobRepository;
  private final Job job;
  private final TaskExecutorJobOperator operator;
  // Executions this process launched that have not ended, which a recovery must leave alone.
  private final Set<Long> running = ConcurrentHashMap.newKeySet();

  ReleaseDeltaJob(
      JobRepository jobRepository,
      ReleaseRepository releases,
      FleetRepository fleets,
      ReleaseDeltaPlanner planner,
      DeltaService deltas,
      DeltaProperties properties) {
    this.releases = releases;
    this.fleets = fleets;
    this.planner = planner;
    this.deltas = deltas;
    this.properties = properties;
    this.jobRepository = jobRepository;
    launcher.setThreadNamePrefix("release-deltas-");
    launcher.setCorePoolSize(1);
    launcher.setMaxPoolSize(1);
    launcher.setDaemon(true);
    launcher.initialize();
    this.job =
        new JobBuilder(NAME, jobRepository)
            .start(new StepBuilder(STEP, jobRepository).tasklet(this::makeDeltas).build())
            .listener(
                new JobExecutionListener() {
                  @Override
                  public void afterJob(JobExecution execution) {
                    running.remove(execution.getId());
                  }
                })
            .build();
    this.operator = JobOperators.forJob(jobRepository, job, launcher);
  }

  /** Starts the job for a release that just succeeded. */
  @TransactionalEventListener(fallbackExecution = true)
  void onReleaseSucceeded(ReleaseSucceeded event) {
    if (!properties.enabled()) {
      return;
    }
    start(event.releaseId());
  }

  /**
   * Starts the job for {@code releaseId} on the launcher thread, or runs a failed execution of it
   * again. Does nothing when it already completed or is running.
   *
   * @return the execution, or empty when none was started
   */
  Optional<JobExecution> start(long releaseId) {
    JobParameters parameters =
        new JobParametersBuilder().addLong(RELEASE_ID, releaseId).toJobParameters();
    try {
      JobExecution execution = operator.start(job, parameters);
      running.add(execution.getId());
      log.info("Release {}: started delta job execution {}", releaseId, execution.getId());
      return Optional.of(execution);
    } catch (JobInstanceAlreadyCompleteException | JobExecutionAlreadyRunningException e) {
      log.info("Release {}: the delta job is already done or running", releaseId);
      return Optional.empty();
    } catch (Exception e) {
      log.warn(
          "Release {}: the delta job could not start; devices get deltas on request", releaseId, e);
      return Optional.empty();
    }
  }

  /**
   * Runs again the executions that a stopped process left running, once this server is ready. Their
   * step is idempotent, so an execution that another server sharing the database still runs costs
   * only a second planning pass.
   *
   * @return how many executions were started again
   */
  @EventListener(ApplicationReadyEvent.class)
  int recoverInterrupted() {
    if (!properties.enabled()) {
      return 0;
    }
    int restarted = 0;
    for (JobExecution execution : jobRepository.findRunningJobExecutions(NAME)) {
      if (!running.contains(execution.getId()) && restart(execution)) {
        restarted++;
      }
    }
    return restarted;
  }

  private boolean restart(JobExecution execution) {
    Long releaseId = execution.getJobParameters().getLong(RELEASE_ID);
    try {
      JobExecution failed = operator.recover(execution);
      JobExecution restarted = operator.restart(failed);
      running.add(restarted.getId());
      log.warn(
          "Release {}: delta job execution {} was left {} by a process that ended; restarted it as"
              + " {}",
          releaseId,
          execution.getId(),
          execution.getStatus(),
          restarted.getId());
      return true;
    } catch (JobRestartException | RuntimeException e) {
      log.warn(
          "Release {}: delta job execution {} was left running and cannot restart; devices get its"
              + " deltas on request",
          releaseId,
          execution.getId(),
          e);
      return false;
    }
  }

  private RepeatStatus makeDeltas(StepContribution contribution, ChunkContext context) {
    long releaseId =
        contribution.getStepExecution().getJobExecution().getJobParameters().getLong(RELEASE_ID);
    Optional<Release> release = releases.findById(releaseId).filter(Release::isDeployable);
    Optional<Fleet> fleet = release.flatMap(r -> fleets.findById(r.fleetId()));
    if (fleet.isEmpty()) {
      log.info("Release {} is gone or no longer deployable; it gets no deltas", releaseId);
      return RepeatStatus.FINISHED;
    }

    List<PlannedDelta> planned = planner.plan(fleet.get(), releaseId);
    int madeNow = 0;
    for (PlannedDelta delta : planned) {
      if (deltas.makeNow(delta.pair(), delta.location())) {
        madeNow++;
      }
      contribution.incrementReadCount();
    }
    log.info(
        "Release {} of fleet {}: {} deltas planned from the images devices run, {} made now",
        releaseId,
        fleet.get().repositoryPrefix(),
        planned.size(),
        madeNow);
    return RepeatStatus.FINISHED;
  }

  @Override
  public void destroy() {
    launcher.shutdown();
  }
}
