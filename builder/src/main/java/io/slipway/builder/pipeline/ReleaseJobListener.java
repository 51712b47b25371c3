package io.slipway.builder.pipeline;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Untracks the executions this process ran when they end, reports a failed release to the {@link
 * ReleaseSink} with its reason, and removes the build directory when a job ends. A process that
 * dies runs none of this, which leaves its executions for {@link
 * ReleasePipeline#recoverInterrupted}. Safe for concurrent use.
 */
final class ReleaseJobListener implements JobExecutionListener {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseJobListener.class);

  private final ReleaseSink sink;
  private final Set<Long> running;

  /**
   * @param running the ids of executions running in this process; this listener removes each when
   *     it ends
   */
  ReleaseJobListener(ReleaseSink sink, Set<Long> running) {
    this.sink = sink;
    this.running = running;
  }

  @Override
  public void beforeJob(JobExecution jobExecution) {
    LOG.info(
        "Release {}: job execution {} started",
        ReleaseState.releaseId(jobExecution.getJobParameters()),
        jobExecution.getId());
  }

  @Override
  public void afterJob(JobExecution jobExecution) {
    long releaseId = ReleaseState.releaseId(jobExecution.getJobParameters());
    try {
      report(releaseId, jobExecution);
    } finally {
      running.remove(jobExecution.getId());
      BuildDirectory.ofOrderFile(ReleaseState.orderFile(jobExecution.getJobParameters())).delete();
    }
  }

  private void report(long releaseId, JobExecution jobExecution) {
    if (jobExecution.getStatus() == BatchStatus.COMPLETED) {
      LOG.info(
          "Release {}: job execution {} completed in {} ms",
          releaseId,
          jobExecution.getId(),
          elapsedMillis(jobExecution));
      return;
    }
    if (finalized(jobExecution)) {
      // The sink already has the success; a later failure, such as storing the job, changes
      // nothing.
      LOG.warn(
          "Release {}: job execution {} ended {} after the release succeeded",
          releaseId,
          jobExecution.getId(),
          jobExecution.getStatus());
      return;
    }

    String reason = reason(jobExecution);
    LOG.error(
        "Release {}: job execution {} ended {}: {}",
        releaseId,
        jobExecution.getId(),
        jobExecution.getStatus(),
        reason);
    sink.failed(releaseId, reason);
  }

  private static long elapsedMillis(JobExecution jobExecution) {
    LocalDateTime started = jobExecution.getStartTime();
    return started == null ? 0 : Duration.between(started, LocalDateTime.now()).toMillis();
  }

  private static boolean finalized(JobExecution jobExecution) {
    return jobExecution.getStepExecutions().stream()
        .anyMatch(
            step ->
                step.getStepName().equals(ReleaseState.FINALIZE_STEP)
                    && step.getStatus() == BatchStatus.COMPLETED);
  }

  /**
   * Returns why the job failed: the first failed partition's message (service, platform and log
   * tail), else the first failure's message, such as a bad input's file, line and reason.
   */
  static String reason(JobExecution jobExecution) {
    Optional<String> partition =
        jobExecution.getStepExecutions().stream()
            .filter(step -> step.getStepName().startsWith(ReleaseState.PARTITION_STEP + ":"))
            .filter(step -> step.getStatus() == BatchStatus.FAILED)
            .sorted(Comparator.comparing(StepExecution::getStepName))
            .flatMap(step -> step.getFailureExceptions().stream())
            .map(Throwable::getMessage)
            .findFirst();
    if (partition.isPresent()) {
      return partition.get();
    }

    List<Throwable> failures = jobExecution.getAllFailureExceptions();
    if (!failures.isEmpty()) {
      return String.valueOf(failures.get(0).getMessage());
    }
    return "The build ended "
        + jobExecution.getStatus()
        + ": "
        + jobExecution.getExitStatus().getExitDescription();
  }
}
