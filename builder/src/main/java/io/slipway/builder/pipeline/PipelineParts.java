package io.slipway.builder.pipeline;

import io.slipway.builder.BuildEngine;
import io.slipway.builder.cache.BuildCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.repository.JobRepository;

/**
 * The collaborators the release job's steps share. Each is safe for concurrent use.
 *
 * @param jobRepository where the job's executions are stored
 * @param sink receives build logs and the outcome
 * @param access issues registry credentials per partition or step
 * @param registry pins base images, checks cached manifests and pushes indexes
 * @param planner loads and plans the project
 * @param engines the build engines by {@link BuildEngine#name()}
 * @param cache maps cache keys to pushed manifests
 * @param hooks run after every index is pushed, in order
 * @param credentialLifetime how long credentials for one partition or step stay valid
 * @param buildRoot the directory that holds each release's build directory
 */
record PipelineParts(
    JobRepository jobRepository,
    ReleaseSink sink,
    RegistryAccess access,
    ReleaseRegistry registry,
    ReleasePlanner planner,
    Map<String, BuildEngine> engines,
    BuildCache cache,
    List<ReleaseHook> hooks,
    Duration credentialLifetime,
    Path buildRoot) {

  PipelineParts {
    engines = Map.copyOf(engines);
    hooks = List.copyOf(hooks);
  }
}
