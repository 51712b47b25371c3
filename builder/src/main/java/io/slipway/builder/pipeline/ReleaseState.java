package io.slipway.builder.pipeline;

import io.slipway.builder.BuildResult;
import io.slipway.builder.plan.BuildPlan;
import io.slipway.builder.plan.Partition;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.project.ServiceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The state that the steps of one release job read back: the job parameters, the order and plan
 * files, and what earlier steps stored in their execution contexts, possibly in an earlier
 * execution of the same job instance. Created per step run and not shared between threads.
 */
final class ReleaseState {

  /** Identifying job parameter: the release id. */
  static final String RELEASE_ID = "release.id";

  /** Job parameter: the absolute path of the order file. */
  static final String ORDER_FILE = "order.file";

  static final String RESOLVE_STEP = "resolveSource";
  static final String BUILD_STEP = "build";
  static final String PARTITION_STEP = "buildPartition";
  static final String INDEX_STEP = "index";
  static final String HOOKS_STEP = "hooks";
  static final String FINALIZE_STEP = "finalize";

  /** Partition context keys, set by the partitioner. */
  static final String SERVICE = "service";

  static final String PLATFORM = "platform";

  /** Partition context keys, set when the partition's manifest is in the registry. */
  static final String DIGEST = "digest";

  static final String MEDIA_TYPE = "mediaType";
  static final String SIZE = "size";

  /** Resolve step context key prefix, followed by an image-only service's name. */
  static final String IMAGE_PREFIX = "image.";

  /** Index step context key prefix, followed by the service name. */
  static final String INDEX_PREFIX = "index.";

  private final JobRepository jobRepository;
  private final JobExecution jobExecution;
  private final BuildDirectory directory;
  private BuildOrder order;
  private BuildPlan plan;

  ReleaseState(JobRepository jobRepository, JobExecution jobExecution) {
    this.jobRepository = jobRepository;
    this.jobExecution = jobExecution;
    this.directory = BuildDirectory.ofOrderFile(orderFile(jobExecution.getJobParameters()));
  }

  static long releaseId(JobParameters parameters) {
    Long id = parameters.getLong(RELEASE_ID);
    if (id == null) {
      throw new PipelineException("Job parameters " + parameters + " have no " + RELEASE_ID);
    }
    return id;
  }

  static Path orderFile(JobParameters parameters) {
    String file = parameters.getString(ORDER_FILE);
    if (file == null) {
      throw new PipelineException("Job parameters " + parameters + " have no " + ORDER_FILE);
    }
    return Path.of(file);
  }

  /** Returns the name of the step execution that builds {@code partition}. */
  static String partitionStepName(Partition partition) {
    return PARTITION_STEP + ":" + partition.name();
  }

  long releaseId() {
    return releaseId(jobExecution.getJobParameters());
  }

  BuildDirectory directory() {
    return directory;
  }

  BuildOrder order() {
    if (order == null) {
      order = directory.readOrder();
    }
    return order;
  }

  BuildPlan plan() {
    if (plan == null) {
      plan = directory.readPlan();
    }
    return plan;
  }

  /** Returns {@code ORG/FLEET/SERVICE}. */
  String repository(String service) {
    return order().fleetRepository() + "/" + service;
  }

  /**
   * Returns the manifest that the last completed execution of {@code partition} stored.
   *
   * @throws PipelineException when the partition has not completed
   */
  BuildResult result(Partition partition) {
    String name = partitionStepName(partition);
    StepExecution step = lastStepExecution(name);
    if (step == null || step.getStatus() != BatchStatus.COMPLETED) {
      throw new PipelineException(
          "Release " + releaseId() + " has no completed build of partition " + partition.name());
    }
    ExecutionContext context = step.getExecutionContext();
    return new BuildResult(
        partition.platform(),
        context.getString(DIGEST),
        context.getString(MEDIA_TYPE),
        context.getLong(SIZE));
  }

  /**
   * Returns every service of the project in project order: those built from source with the digest
   * of their pushed index, image-only ones with the digest their image reference named when the
   * build was planned.
   *
   * @throws PipelineException when a step has not stored a service's digest
   */
  List<BuiltService> services() {
    ExecutionContext indexes = context(INDEX_STEP);
    ExecutionContext images = context(RESOLVE_STEP);
    List<BuiltService> services = new ArrayList<>();
    for (ServiceSpec service : plan().project().services()) {
      String repository;
      String digest;
      if (service.isBuilt()) {
        repository = repository(service.name());
        digest = stored(indexes, INDEX_PREFIX + service.name());
      } else {
        String pinned = stored(images, IMAGE_PREFIX + service.name());
        repository = pinned.substring(0, pinned.indexOf('@'));
        digest = pinned.substring(pinned.indexOf('@') + 1);
      }
      services.add(
          new BuiltService(
              service.name(),
              repository,
              digest,
              service.environment(),
              service.labels(),
              service.configuration()));
    }
    return services;
  }

  /** Returns the partition with the given service and platform. */
  Partition partition(String service, Platform platform) {
    return plan()
        .partition(service, platform)
        .orElseThrow(
            () ->
                new PipelineException(
                    "Plan of release "
                        + releaseId()
                        + " has no partition "
                        + service
                        + "@"
                        + platform));
  }

  private ExecutionContext context(String stepName) {
    StepExecution step = lastStepExecution(stepName);
    return step == null ? new ExecutionContext() : step.getExecutionContext();
  }

  private String stored(ExecutionContext context, String key) {
    if (!context.containsKey(key)) {
      throw new PipelineException("Release " + releaseId() + " has no stored " + key);
    }
    return context.getString(key);
  }

  private StepExecution lastStepExecution(String stepName) {
    JobInstance instance = jobExecution.getJobInstance();
    return jobRepository.getLastStepExecution(instance, stepName);
  }
}
