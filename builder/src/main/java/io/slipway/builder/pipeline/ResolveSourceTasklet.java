package io.slipway.builder.pipeline;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.plan.BuildPlan;
import io.slipway.builder.plan.Partition;
import io.slipway.builder.project.ServiceSpec;
import io.slipway.builder.registry.ImageReference;
import io.slipway.builder.registry.RegistryCredentials;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The first step: loads the project, plans its partitions with every preflight check, pins the
 * images of image-only services by digest and writes the plan to the build directory. Bad input
 * fails the step, and so the job, before anything is built.
 */
final class ResolveSourceTasklet implements Tasklet {

  private static final Logger LOG = LoggerFactory.getLogger(ResolveSourceTasklet.class);

  private final PipelineParts parts;

  ResolveSourceTasklet(PipelineParts parts) {
    this.parts = parts;
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
    ReleaseState state =
        new ReleaseState(
            parts.jobRepository(),
            chunkContext.getStepContext().getStepExecution().getJobExecution());
    BuildOrder order = state.order();
    PartitionLog log = new PartitionLog(parts.sink(), order.releaseId(), null, null);
    log.line("Planning version " + order.version() + " of " + order.fleetRepository());

    RegistryCredentials credentials =
        parts.access().credentials(order.fleetRepository(), parts.credentialLifetime());
    ExecutionContext context =
        chunkContext.getStepContext().getStepExecution().getExecutionContext();
    BuildPlan plan;
    try {
      plan = parts.planner().plan(order, parts.registry().baseImages(credentials));
      pinImages(plan, credentials, context);
    } catch (BuildInputException e) {
      // The job listener hands the message to the sink as the failure reason.
      LOG.warn("Release {}: bad input, nothing built: {}", order.releaseId(), e.getMessage());
      throw e;
    }

    state.directory().writePlan(plan);
    state.directory().writeRegistry(parts.access().registry());
    log.line("Planned " + plan.partitions().size() + " partitions: " + describe(plan));
    LOG.info(
        "Release {}: planned {} partitions of {} services",
        order.releaseId(),
        plan.partitions().size(),
        plan.builtServices().size());
    return RepeatStatus.FINISHED;
  }

  private void pinImages(
      BuildPlan plan, RegistryCredentials credentials, ExecutionContext context) {
    for (ServiceSpec service : plan.project().services()) {
      if (!service.isBuilt()) {
        context.putString(ReleaseState.IMAGE_PREFIX + service.name(), pin(service, credentials));
      }
    }
  }

  /**
   * Returns {@code repository@digest} of the image that an image-only service names in Slipway's
   * registry. A reference without a registry host names a repository in it.
   *
   * @throws BuildInputException when the image is in another registry or not found
   */
  private String pin(ServiceSpec service, RegistryCredentials credentials) {
    String registry = parts.access().registry();
    ImageReference image = parse(service, registry);
    if (!image.registry().equals(registry)) {
      throw imageProblem(
          service,
          "is not in Slipway's registry "
              + registry
              + "; push it there and name it "
              + registry
              + "/REPOSITORY:TAG");
    }

    String digest =
        parts
            .registry()
            .manifestDigest(image.repository(), image.reference(), credentials)
            .orElseThrow(
                () ->
                    imageProblem(service, "is not found in " + registry + "; push it there first"));
    return image.repository() + "@" + digest;
  }

  private static BuildInputException imageProblem(ServiceSpec service, String problem) {
    return new BuildInputException(
        service.file(),
        service.line(),
        "image " + service.image() + " of service " + service.name() + " " + problem);
  }

  private static ImageReference parse(ServiceSpec service, String registry) {
    try {
      return ImageReference.parse(service.image());
    } catch (IllegalArgumentException withoutHost) {
      try {
        return ImageReference.parse(registry + "/" + service.image());
      } catch (IllegalArgumentException invalid) {
        throw new BuildInputException(
            service.file(),
            service.line(),
            "image '"
                + service.image()
                + "' of service "
                + service.name()
                + " is invalid: "
                + invalid.getMessage());
      }
    }
  }

  private static String describe(BuildPlan plan) {
    return plan.partitions().stream()
        .map(ResolveSourceTasklet::describe)
        .collect(Collectors.joining(", "));
  }

  private static String describe(Partition partition) {
    return partition.name() + " with " + partition.engine();
  }
}
