package io.slipway.builder.pipeline;

import org.springframework.batch.core.configuration.DuplicateJobException;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.core.task.TaskExecutor;

/** Creates job operators for jobs that a component launches itself, outside a job registry bean. */
public final class JobOperators {

  private JobOperators() {}

  /**
   * Returns an operator that knows only {@code job}, stores executions in {@code jobRepository} and
   * runs them on {@code launchers}, so that {@code start} returns as soon as an execution is
   * created.
   *
   * @throws IllegalStateException when the operator cannot be set up
   */
  public static TaskExecutorJobOperator forJob(
      JobRepository jobRepository, Job job, TaskExecutor launchers) {
    MapJobRegistry registry = new MapJobRegistry();
    try {
      registry.register(job);
    } catch (DuplicateJobException e) {
      throw new IllegalStateException("A fresh job registry already has " + job.getName(), e);
    }
    TaskExecutorJobOperator operator = new TaskExecutorJobOperator();
    operator.setJobRepository(jobRepository);
    operator.setJobRegistry(registry);
    operator.setTaskExecutor(launchers);
    try {
      operator.afterPropertiesSet();
    } catch (Exception e) {
      throw new IllegalStateException("Failed to set up the job operator", e);
    }
    return operator;
  }
}
