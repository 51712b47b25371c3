package io.slipway.builder.pipeline;

import java.util.Set;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.core.task.TaskExecutor;

/** Assembles the release job from its steps. */
final class ReleaseJob {

  /** The job's name in the job repository. */
  static final String NAME = "slipway-release";

  private ReleaseJob() {}

  /**
   * Returns the job: resolveSource, build (one partition per service and platform on {@code
   * workers}), index, hooks and finalize.
   *
   * @param workers runs the partitions; its thread count bounds the builds running at once
   * @param running the ids of executions running in this process; the job removes each when it ends
   */
  static Job create(PipelineParts parts, TaskExecutor workers, int gridSize, Set<Long> running) {
    return new JobBuilder(NAME, parts.jobRepository())
        .start(tasklet(parts, ReleaseState.RESOLVE_STEP, new ResolveSourceTasklet(parts)))
        .next(build(parts, workers, gridSize))
        .next(tasklet(parts, ReleaseState.INDEX_STEP, new IndexTasklet(parts)))
        .next(tasklet(parts, ReleaseState.HOOKS_STEP, new HooksTasklet(parts)))
        .next(tasklet(parts, ReleaseState.FINALIZE_STEP, new FinalizeTasklet(parts)))
        .listener(new ReleaseJobListener(parts.sink(), running))
        .build();
  }

  private static Step build(PipelineParts parts, TaskExecutor workers, int gridSize) {
    Step partition = tasklet(parts, ReleaseState.PARTITION_STEP, new BuildPartitionTasklet(parts));
    TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler();
    handler.setStep(partition);
    handler.setTaskExecutor(workers);
    handler.setGridSize(gridSize);
    return new StepBuilder(ReleaseState.BUILD_STEP, parts.jobRepository())
        .partitioner(partition)
        .partitionHandler(handler)
        .splitter(new PlanSplitter(parts.jobRepository()))
        .build();
  }

  private static Step tasklet(
      PipelineParts parts, String name, org.springframework.batch.core.step.tasklet.Tasklet task) {
    // No transaction manager: a build runs for minutes and must not hold a database connection.
    // The job repository still stores each step's state in its own transactions.
    return new StepBuilder(name, parts.jobRepository()).tasklet(task).build();
  }
}
