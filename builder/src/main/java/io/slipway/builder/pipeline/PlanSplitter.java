package io.slipway.builder.pipeline;

import java.util.Set;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.partition.support.SimpleStepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Splits the build step of one job execution by that execution's plan. Spring Batch's own splitter
 * does the restart work: a partition that completed in an earlier execution of the release is not
 * started again. Stateless and safe for concurrent use.
 */
final class PlanSplitter implements StepExecutionSplitter {

  private final JobRepository jobRepository;

  PlanSplitter(JobRepository jobRepository) {
    this.jobRepository = jobRepository;
  }

  @Override
  public String getStepName() {
    return ReleaseState.PARTITION_STEP;
  }

  @Override
  public Set<StepExecution> split(StepExecution stepExecution, int gridSize)
      throws JobExecutionException {
    ReleaseState state = new ReleaseState(jobRepository, stepExecution.getJobExecution());
    SimpleStepExecutionSplitter splitter =
        new SimpleStepExecutionSplitter(
            jobRepository, ReleaseState.PARTITION_STEP, new PlanPartitioner(state));
    return splitter.split(stepExecution, gridSize);
  }
}
