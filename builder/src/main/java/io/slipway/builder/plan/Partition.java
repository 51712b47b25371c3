package io.slipway.builder.plan;

import io.slipway.builder.context.PreparedContext;
import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One unit of build work: one service for one platform, with everything an engine needs decided.
 * Several device types that share the platform and resolve to the same Dockerfile share one
 * partition. Immutable; a plain value the pipeline may store and read back.
 *
 * @param service the service name
 * @param platform the platform to build for
 * @param targets the device types built by this partition (all with {@code platform}), at least one
 * @param dockerfileText the resolved Dockerfile: template variables filled in and every {@code
 *     FROM} image pinned to {@code host/repo@sha256:...}; its line numbers match the source file
 * @param engine the engine name: {@code jib}, {@code docker} or {@code buildkit}
 * @param context the build context directory (absolute), before {@code .dockerignore} is applied
 * @param dockerfile the source Dockerfile the text came from, relative to the project root, such as
 *     {@code web/Dockerfile.template}; for messages
 * @param buildArgs build arguments, ordered by name
 * @param target the stage to build, or null for the last stage
 * @param baseImages each image reference as written in the Dockerfile (variables expanded) mapped
 *     to its pinned reference, in order of first use
 * @param cacheKey {@code sha256:} and 64 hex digits over everything that decides the result
 */
public record Partition(
    String service,
    Platform platform,
    List<BuildTarget> targets,
    String dockerfileText,
    String engine,
    Path context,
    String dockerfile,
    Map<String, String> buildArgs,
    String target,
    Map<String, String> baseImages,
    String cacheKey) {

  private static final Pattern KEY = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final List<String> ENGINES = List.of("jib", "docker", "buildkit");

  /**
   * @throws IllegalArgumentException naming the value when the engine is unknown, the cache key is
   *     malformed, or a target has another platform
   */
  public Partition {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(dockerfileText, "dockerfileText");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(dockerfile, "dockerfile");
    if (!ENGINES.contains(engine)) {
      throw new IllegalArgumentException(
          "Engine '" + engine + "' of service " + service + " is not one of " + ENGINES);
    }
    if (cacheKey == null || !KEY.matcher(cacheKey).matches()) {
      throw new IllegalArgumentException("Cache key '" + cacheKey + "' is not sha256:<64 hex>");
    }
    if (targets == null || targets.isEmpty()) {
      throw new IllegalArgumentException(
          "Partition " + service + "@" + platform + " has no target");
    }
    for (BuildTarget buildTarget : targets) {
      if (!buildTarget.platform().equals(platform)) {
        throw new IllegalArgumentException(
            "Device type "
                + buildTarget.deviceType()
                + " runs "
                + buildTarget.platform()
                + ", not "
                + platform);
      }
    }
    targets = List.copyOf(targets);
    buildArgs =
        buildArgs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(buildArgs));
    baseImages =
        baseImages == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(baseImages));
  }

  /** Returns {@code service@platform}, the partition's name in logs and step names. */
  public String name() {
    return service + "@" + platform;
  }

  /**
   * Writes the build context for this partition into {@code directory}, which must not exist yet:
   * the files of {@link #context} that {@code .dockerignore} keeps, plus the resolved Dockerfile
   * under {@link PreparedContext#DOCKERFILE}. The directory appears complete or not at all.
   *
   * @return the resolved Dockerfile's path relative to {@code directory}, for {@code
   *     BuildRequest.dockerfile}
   * @throws IOException when reading the context or writing the copy fails
   * @throws io.slipway.builder.BuildInputException when {@code .dockerignore} is malformed
   */
  /**
   * Returns this partition with every pinned image of registry {@code from} moved to registry
   * {@code to} (both {@code host:port}), for a build resumed by a server that listens elsewhere.
   * The cache key stays, because the images are the same.
   */
  public Partition withRegistry(String from, String to) {
    String prefix = from + "/";
    Map<String, String> moved = new LinkedHashMap<>();
    baseImages.forEach(
        (written, pinned) ->
            moved.put(
                written,
                pinned.startsWith(prefix) ? to + "/" + pinned.substring(prefix.length()) : pinned));
    return new Partition(
        service,
        platform,
        targets,
        dockerfileText.replace(prefix, to + "/"),
        engine,
        context,
        dockerfile,
        buildArgs,
        target,
        moved,
        cacheKey);
  }

  public String writeContext(Path directory) throws IOException {
    PreparedContext.of(context, dockerfileText).write(directory);
    return PreparedContext.DOCKERFILE;
  }
}
