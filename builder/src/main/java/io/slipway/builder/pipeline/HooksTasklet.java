package io.slipway.builder.pipeline;

import java.util.List;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Runs the release hooks in order, each with the pushed services and the release-level log. A hook
 * that throws fails the step, and so the release. Runs on the job's thread.
 */
final class HooksTasklet implements Tasklet {

  private final PipelineParts parts;

  HooksTasklet(PipelineParts parts) {
    this.parts = parts;
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
    if (parts.hooks().isEmpty()) {
      return RepeatStatus.FINISHED;
    }

    ReleaseState state =
        new ReleaseState(
            parts.jobRepository(),
            chunkContext.getStepContext().getStepExecution().getJobExecution());
    List<BuiltService> services = state.services();
    PartitionLog log = new PartitionLog(parts.sink(), state.releaseId(), null, null);
    for (ReleaseHook hook : parts.hooks()) {
      try {
        hook.afterPush(state.releaseId(), services, log);
      } catch (RuntimeException e) {
        throw new PipelineException(
            "Release hook " + hook.getClass().getName() + " failed: " + e.getMessage(), e);
      }
    }
    return RepeatStatus.FINISHED;
  }
}
