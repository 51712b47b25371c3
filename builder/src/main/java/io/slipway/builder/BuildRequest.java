package io.slipway.builder;

import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.builder.registry.RegistryCredentials;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One partition of a build: one service for one platform, ready for an engine. Immutable.
 *
 * <p>The pipeline has already done the project-level work: {@code context} is a prepared directory
 * holding only the files the build may see ({@code .dockerignore} applied), and {@code dockerfile}
 * names the resolved Dockerfile inside it: templates filled in for this platform's device type, and
 * every {@code FROM} image pinned by digest to its manifest for {@code platform}.
 *
 * @param service the service name, such as {@code web}
 * @param platform the platform to build for
 * @param context the prepared build context directory
 * @param dockerfile the resolved Dockerfile's path relative to {@code context}
 * @param buildArgs build arguments ({@code ARG} values), ordered by name
 * @param target the stage to build, or null for the last stage
 * @param destination where to push; the engine pushes under this tag
 * @param credentials for pulling base images from and pushing to the registry
 * @param created the time to record as the image's creation time, for reproducible digests
 * @param noCache true to run every step again instead of taking it from the engine's cache (the
 *     Docker engine and BuildKit); Jib still reuses base layers, which are no build steps
 */
public record BuildRequest(
    String service,
    Platform platform,
    Path context,
    String dockerfile,
    Map<String, String> buildArgs,
    String target,
    ImageTarget destination,
    RegistryCredentials credentials,
    Instant created,
    boolean noCache) {

  public BuildRequest {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(dockerfile, "dockerfile");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(created, "created");
    buildArgs =
        buildArgs == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(buildArgs));
  }

  /** Creates a request that may take steps from the engine's cache. */
  public BuildRequest(
      String service,
      Platform platform,
      Path context,
      String dockerfile,
      Map<String, String> buildArgs,
      String target,
      ImageTarget destination,
      RegistryCredentials credentials,
      Instant created) {
    this(
        service,
        platform,
        context,
        dockerfile,
        buildArgs,
        target,
        destination,
        credentials,
        created,
        false);
  }

  /** Returns the resolved Dockerfile's absolute path. */
  public Path dockerfilePath() {
    return context.resolve(dockerfile);
  }

  /** Returns {@code service@platform}, the partition's name in logs. */
  public String partition() {
    return service + "@" + platform;
  }
}
