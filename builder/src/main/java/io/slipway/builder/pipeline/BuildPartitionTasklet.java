package io.slipway.builder.pipeline;

import io.slipway.builder.BuildEngine;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.cache.BuildCacheException;
import io.slipway.builder.cache.CachedManifest;
import io.slipway.builder.plan.Partition;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.builder.registry.RegistryCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Builds one partition: reuses the cached manifest when the registry still has it, else prepares
 * the context, calls the planned engine and caches the result. The manifest goes into the step
 * execution context, where the index step reads it back even after a restart.
 *
 * <p>Runs on the pipeline's worker threads, several partitions at once. Stateless apart from its
 * collaborators, which are all safe for concurrent use.
 */
final class BuildPartitionTasklet implements Tasklet {

  private static final Logger LOG = LoggerFactory.getLogger(BuildPartitionTasklet.class);

  private final PipelineParts parts;

  BuildPartitionTasklet(PipelineParts parts) {
    this.parts = parts;
  }

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
    StepExecution step = chunkContext.getStepContext().getStepExecution();
    ExecutionContext context = step.getExecutionContext();
    ReleaseState state = new ReleaseState(parts.jobRepository(), step.getJobExecution());
    String service = context.getString(ReleaseState.SERVICE);
    Platform platform = Platform.parse(context.getString(ReleaseState.PLATFORM));
    PartitionLog log = new PartitionLog(parts.sink(), state.releaseId(), service, platform);

    try {
      BuildResult result = buildOrReuse(state, state.partition(service, platform), log);
      context.putString(ReleaseState.DIGEST, result.digest());
      context.putString(ReleaseState.MEDIA_TYPE, result.mediaType());
      context.putLong(ReleaseState.SIZE, result.size());
      return RepeatStatus.FINISHED;
    } catch (RuntimeException e) {
      // Taken before the line below, which would only repeat the cause in the failure message.
      List<String> tail = log.tail();
      log.line("Build failed: " + e.getMessage());
      LOG.warn(
          "Release {}: partition {}@{} failed: {}",
          state.releaseId(),
          service,
          platform,
          e.getMessage());
      throw new PartitionFailedException(service, platform, e, tail);
    }
  }

  private BuildResult buildOrReuse(ReleaseState state, Partition planned, PartitionLog log) {
    Partition partition = onCurrentRegistry(state, planned, log);
    BuildOrder order = state.order();
    String repository = state.repository(partition.service());
    String cacheKey = cacheKey(partition, repository);
    // Fetched now rather than kept from the job's start, so a restarted build gets fresh ones.
    RegistryCredentials credentials =
        parts.access().credentials(order.fleetRepository(), parts.credentialLifetime());

    if (!order.noCache()) {
      Optional<BuildResult> cached = reuse(state, cacheKey, repository, credentials, log);
      if (cached.isPresent()) {
        return cached.get();
      }
    }

    BuildResult result = build(state, partition, repository, credentials, log);
    store(state, cacheKey, new CachedManifest(repository, result, Instant.now()));
    return result;
  }

  /**
   * Moves the partition's pinned images to the registry's current address when the plan was made
   * with another one: a server restarted on another port resumes the build there.
   */
  private Partition onCurrentRegistry(ReleaseState state, Partition partition, PartitionLog log) {
    Optional<String> planned = state.directory().readRegistry();
    String current = parts.access().registry();
    if (planned.isEmpty() || planned.get().equals(current)) {
      return partition;
    }
    log.line("The registry moved from " + planned.get() + " to " + current + " since planning");
    return partition.withRegistry(planned.get(), current);
  }

  private Optional<BuildResult> reuse(
      ReleaseState state,
      String cacheKey,
      String repository,
      RegistryCredentials credentials,
      PartitionLog log) {
    Optional<CachedManifest> entry;
    try {
      entry = parts.cache().find(cacheKey);
    } catch (BuildCacheException e) {
      LOG.warn("Release {}: build cache not read, building: {}", state.releaseId(), e.getMessage());
      return Optional.empty();
    }
    if (entry.isEmpty()) {
      return Optional.empty();
    }

    String digest = entry.get().digest();
    if (parts.registry().manifestDigest(repository, digest, credentials).isEmpty()) {
      log.line("Cached manifest " + digest + " is no longer in " + repository + "; building");
      parts.cache().remove(cacheKey);
      return Optional.empty();
    }
    log.line("Unchanged since an earlier build: reusing " + repository + "@" + digest);
    return Optional.of(entry.get().result());
  }

  private BuildResult build(
      ReleaseState state,
      Partition partition,
      String repository,
      RegistryCredentials credentials,
      PartitionLog log) {
    BuildEngine engine = engine(partition);
    BuildOrder order = state.order();
    Path context = state.directory().contextOf(partition);
    // A process that died during this partition may have left its context behind.
    BuildDirectory.deleteTree(context);

    try {
      String dockerfile = partition.writeContext(context);
      String tag = order.version() + "-" + partition.platform().slug();
      ImageTarget destination = new ImageTarget(parts.access().registry(), repository, tag);
      BuildRequest request =
          new BuildRequest(
              partition.service(),
              partition.platform(),
              context,
              dockerfile,
              partition.buildArgs(),
              partition.target(),
              destination,
              credentials,
              order.created(),
              order.noCache());

      log.line("Building " + destination + " with " + engine.name());
      long started = System.nanoTime();
      BuildResult result = engine.build(request, log);
      long millis = (System.nanoTime() - started) / 1_000_000;
      log.line("Pushed " + destination.byDigest(result.digest()) + " in " + millis + " ms");
      LOG.info(
          "Release {}: built {} with {} in {} ms",
          state.releaseId(),
          partition.name(),
          engine.name(),
          millis);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to prepare the build context at " + context, e);
    } finally {
      BuildDirectory.deleteTree(context);
    }
  }

  private BuildEngine engine(Partition partition) {
    BuildEngine engine = parts.engines().get(partition.engine());
    if (engine == null) {
      throw new PipelineException(
          "Engine "
              + partition.engine()
              + " planned for "
              + partition.name()
              + " is not configured on this server; configured engines: "
              + new TreeSet<>(parts.engines().keySet()));
    }
    return engine;
  }

  private void store(ReleaseState state, String cacheKey, CachedManifest manifest) {
    try {
      parts.cache().put(cacheKey, manifest);
    } catch (BuildCacheException e) {
      // The manifest is already pushed, so the build succeeds. Only the next rebuild misses the
      // cache.
      LOG.warn("Release {}: build cache not written: {}", state.releaseId(), e.getMessage());
    }
  }

  /**
   * Returns the build cache key of {@code partition} pushed to {@code repository}. The plan's key
   * covers the inputs; the repository is added because a manifest can only be reused where it is.
   */
  static String cacheKey(Partition partition, String repository) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(partition.cacheKey().getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) '\n');
      sha256.update(repository.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
