package io.slipway.builder.pipeline;

import io.slipway.builder.BuildResult;
import io.slipway.builder.plan.BuildPlan;
import io.slipway.builder.plan.Partition;
import io.slipway.builder.project.ServiceSpec;
import io.slipway.builder.registry.RegistryCredentials;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Pushes one OCI image index per built service over its per-platform manifests, tagged with the
 * release version and annotated with the commit and creation time. Stores each index digest in the
 * step execution context. Runs on the job's thread.
 */
final class IndexTasklet implements Tasklet {

  private static final Logger LOG = LoggerFactory.getLogger(IndexTasklet.class);

  private final PipelineParts parts;

  IndexTasklet(PipelineParts parts) {
    this.parts = parts;
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
    StepExecution step = chunkContext.getStepContext().getStepExecution();
    ReleaseState state = new ReleaseState(parts.jobRepository(), step.getJobExecution());
    BuildOrder order = state.order();
    BuildPlan plan = state.plan();
    PartitionLog log = new PartitionLog(parts.sink(), order.releaseId(), null, null);
    RegistryCredentials credentials =
        parts.access().credentials(order.fleetRepository(), parts.credentialLifetime());

    for (ServiceSpec service : plan.builtServices()) {
      List<BuildResult> manifests = new ArrayList<>();
      for (Partition partition : plan.partitions(service.name())) {
        manifests.add(state.result(partition));
      }

      String repository = state.repository(service.name());
      String digest =
          parts
              .registry()
              .pushIndex(
                  repository,
                  order.version(),
                  manifests,
                  order.commit(),
                  order.created(),
                  credentials);
      step.getExecutionContext().putString(ReleaseState.INDEX_PREFIX + service.name(), digest);
      log.line("Pushed index " + repository + ":" + order.version() + " as " + digest);
      LOG.info(
          "Release {}: pushed index {}:{} as {}",
          order.releaseId(),
          repository,
          order.version(),
          digest);
    }
    return RepeatStatus.FINISHED;
  }
}
