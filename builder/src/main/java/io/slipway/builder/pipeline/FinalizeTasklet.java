package io.slipway.builder.pipeline;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The last step: reports the built services to {@link ReleaseSink#succeeded}. Runs on the job's
 * thread.
 *
 * <p>NOTE: a process that dies after this call and before the step is stored reports the release
 * again when the job is restarted, so the sink must accept a second success for a release.
 */
final class FinalizeTasklet implements Tasklet {

  private static final Logger LOG = LoggerFactory.getLogger(FinalizeTasklet.class);

  private final PipelineParts parts;

  FinalizeTasklet(PipelineParts parts) {
    this.parts = parts;
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
    ReleaseState state =
        new ReleaseState(
            parts.jobRepository(),
            chunkContext.getStepContext().getStepExecution().getJobExecution());
    List<BuiltService> services = state.services();
    parts.sink().succeeded(state.releaseId(), services);
    LOG.info("Release {}: succeeded with {} services", state.releaseId(), services.size());
    return RepeatStatus.FINISHED;
  }
}
