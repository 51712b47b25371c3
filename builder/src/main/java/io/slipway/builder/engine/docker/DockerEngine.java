package io.slipway.builder.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.slipway.builder.BuildEngine;
import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.EngineException;
import io.slipway.builder.registry.ImageTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds with a Docker engine's classic builder through docker-java, then pushes the image with the
 * engine. This engine runs {@code RUN} instructions, for a foreign platform too when the engine's
 * host runs that platform's binaries through qemu-user-static and binfmt_misc (see {@link
 * DockerEmulators}).
 *
 * <p>One build, for one partition:
 *
 * <ol>
 *   <li>The prepared context goes to the engine as a tar stream made by {@link ContextArchive}.
 *   <li>The classic builder (not BuildKit) builds {@code request.dockerfile()} for {@code
 *       request.platform()} with the request's build arguments and target, on the host's network,
 *       without {@code pull}: it never looks for newer base images. A base image missing on the
 *       engine is pulled from the Slipway registry, where every {@code FROM} is pinned, with the
 *       request's credentials sent as the build's registry configuration. Intermediate containers
 *       are removed, after a failure too.
 *   <li>The image is tagged as {@code request.destination()}, pushed with the request's
 *       credentials, and the manifest digest and size are read from the push's result.
 *   <li>The destination tag is removed from the engine again. The image itself stays tagged as
 *       {@code CACHE_REPOSITORY/REPOSITORY:PLATFORM} (see {@link DockerSettings#cacheRepository}),
 *       one tag per service and platform, so that the layers the builder cached survive and an
 *       unchanged rebuild takes every step from the cache. Images that lose that tag to a newer
 *       build become dangling and are left to the operator's image pruning.
 * </ol>
 *
 * <p>Every line the engine prints (step headers, {@code RUN} output, base image pulls, push
 * progress without the byte counters) goes to the partition's {@link BuildLog} as it arrives. A
 * failed step, pull or push raises {@link EngineException} with the engine's error and the last
 * lines of the log.
 *
 * <p>Reproducibility: the classic builder records the wall-clock time in the image configuration,
 * its history and the files a {@code RUN} step writes, and has no setting to change that, so {@code
 * request.created()} is not applied and a build without cache gives a new digest each time. Only
 * the context archive is deterministic. An unchanged rebuild is taken whole from the engine's cache
 * and so pushes the same manifest digest as before.
 *
 * <p>The pushed manifest is a Docker image manifest (schema 2), since that is what the engine
 * pushes.
 *
 * <p>NOTE: for each {@code RUN} on a foreign platform, the classic builder of Docker 20.10 logs a
 * warning that the image's platform does not match the host's "and no specific platform was
 * requested", although the build does name its platform. The step runs through the emulator all the
 * same; the warning is harmless.
 *
 * <p>Thread-safe: partitions may build at once; each call has its own archive, callbacks and tags.
 * Close the engine to release its connections to the Docker engine.
 */
public final class DockerEngine implements BuildEngine, AutoCloseable {

  /** The engine's name in settings and logs. */
  public static final String NAME = "docker";

  /** The media type of the manifests the Docker engine pushes. */
  public static final String MANIFEST_MEDIA_TYPE =
      "application/vnd.docker.distribution.manifest.v2+json";

  private static final Logger LOG = LoggerFactory.getLogger(DockerEngine.class);
  private static final int TAIL_LINES = 20;
  private static final int MAX_CONNECTIONS = 32;

  private final DockerSettings settings;
  private final DockerClient client;

  /** Creates an engine connected to the Docker engine at {@code settings.host()}. */
  public DockerEngine(DockerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.client = DockerClientImpl.getInstance(clientConfig(settings), httpClient(settings));
  }

  private static DefaultDockerClientConfig clientConfig(DockerSettings settings) {
    DefaultDockerClientConfig.Builder config =
        new DefaultDockerClientConfig.Builder()
            .withDockerHost(settings.host().toString())
            .withDockerTlsVerify(false);
    if (settings.apiVersion() != null) {
      config.withApiVersion(settings.apiVersion());
    }
    return config.build();
  }

  private static DockerHttpClient httpClient(DockerSettings settings) {
    return new ZerodepDockerHttpClient.Builder()
        .dockerHost(settings.host())
        .maxConnections(MAX_CONNECTIONS)
        .connectionTimeout(settings.connectTimeout())
        // A RUN step may print nothing for a long time; only the build timeout ends the wait.
        .responseTimeout(settings.buildTimeout())
        .build();
  }

  /** Returns the settings this engine was made with. */
  public DockerSettings settings() {
    return settings;
  }

  /** Returns the docker-java client, for checks that ask the same engine (such as emulators). */
  DockerClient client() {
    return client;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean runsCommands() {
    return true;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Blocks until the push has finished, at most the build timeout of the settings.
   *
   * @throws EngineException when the engine cannot be reached, a step, pull or push fails, or the
   *     build timeout passes. The message names the partition, the engine's error and the last
   *     lines of the log.
   * @throws io.slipway.builder.BuildInputException when the context contains a file the engine
   *     cannot take, such as a named pipe
   */
  @Override
  public BuildResult build(BuildRequest request, BuildLog log) {
    EngineOutput output = new EngineOutput(log, TAIL_LINES);
    long deadline = System.nanoTime() + settings.buildTimeout().toNanos();
    String cacheTag = cacheTag(request);
    LOG.info(
        "Building {} on the Docker engine {} as {}",
        request.partition(),
        settings.host(),
        cacheTag);
    output.line(
        "Building "
            + request.partition()
            + " with the classic builder of the Docker engine at "
            + settings.host());

    String imageId = buildImage(request, cacheTag, output, deadline);
    ImageTarget destination = request.destination();
    tag(request, imageId, destination, output);
    try {
      BuildResult result = push(request, output, deadline);
      LOG.info(
          "Pushed {} as {} ({} bytes)",
          request.partition(),
          destination.byDigest(result.digest()),
          result.size());
      return result;
    } finally {
      untag(request, destination);
    }
  }

  private String buildImage(
      BuildRequest request, String cacheTag, EngineOutput output, long deadline) {
    Path archive = writeArchive(request);
    try (InputStream tar = Files.newInputStream(archive)) {
      BuildImageCmd command =
          client
              .buildImageCmd()
              .withTarInputStream(tar)
              .withDockerfilePath(request.dockerfile())
              .withPlatform(request.platform().toString())
              .withPull(false)
              .withNoCache(request.noCache())
              .withNetworkMode("host")
              .withRemove(true)
              .withForcerm(true)
              .withTags(Set.of(cacheTag))
              .withBuildAuthConfigs(authConfigurations(request));
      request.buildArgs().forEach(command::withBuildArg);
      if (request.target() != null) {
        command.withTarget(request.target());
      }

      BuildCallback callback =
          start(request, output, "build", () -> command.exec(new BuildCallback(output)));
      await(request, output, "build", callback, deadline);
      output.flush();
      if (callback.error != null) {
        throw failure(request, "build failed: " + callback.error, output, null);
      }
      if (callback.imageId == null) {
        throw failure(request, "build ended without naming the image it built", output, null);
      }
      return callback.imageId;
    } catch (IOException e) {
      throw failure(
          request, "reading the build context archive failed: " + e.getMessage(), output, e);
    } finally {
      deleteQuietly(archive);
    }
  }

  private Path writeArchive(BuildRequest request) {
    Path archive = null;
    try {
      archive = Files.createTempFile("slipway-docker-context-", ".tar");
      try (OutputStream out = Files.newOutputStream(archive)) {
        ContextArchive.write(request.context(), out);
      }
      return archive;
    } catch (IOException e) {
      deleteQuietly(archive);
      throw new EngineException(
          "Failed to archive the build context "
              + request.context()
              + " of "
              + request.partition()
              + " for the Docker engine: "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      deleteQuietly(archive);
      throw e;
    }
  }

  private void tag(
      BuildRequest request, String imageId, ImageTarget destination, EngineOutput output) {
    try {
      client
          .tagImageCmd(
              imageId, destination.registry() + "/" + destination.repository(), destination.tag())
          .withForce()
          .exec();
    } catch (RuntimeException e) {
      throw failure(
          request,
          "tagging image " + imageId + " as " + destination + " failed: " + e.getMessage(),
          output,
          e);
    }
  }

  private BuildResult push(BuildRequest request, EngineOutput output, long deadline) {
    ImageTarget destination = request.destination();
    output.line("Pushing " + destination);
    PushCallback callback =
        start(
            request,
            output,
            "push",
            () ->
                client
                    .pushImageCmd(destination.registry() + "/" + destination.repository())
                    .withTag(destination.tag())
                    .withAuthConfig(authConfig(request))
                    .exec(new PushCallback(output)));
    await(request, output, "push", callback, deadline);
    output.flush();
    if (callback.error != null) {
      throw failure(request, "push to " + destination + " failed: " + callback.error, output, null);
    }
    if (callback.digest == null || callback.size == null) {
      throw failure(
          request,
          "push to " + destination + " ended without reporting the manifest digest",
          output,
          null);
    }
    return new BuildResult(request.platform(), callback.digest, MANIFEST_MEDIA_TYPE, callback.size);
  }

  /** Removes the destination tag; the cache tag keeps the image and its cached layers. */
  private void untag(BuildRequest request, ImageTarget destination) {
    try {
      client.removeImageCmd(destination.toString()).withNoPrune(true).exec();
    } catch (NotFoundException e) {
      // Never tagged, because the build or the tagging failed.
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not remove the engine-side tag {} of {}; it stays on the engine: {}",
          destination,
          request.partition(),
          e.getMessage());
    }
  }

  private String cacheTag(BuildRequest request) {
    return settings.cacheRepository()
        + "/"
        + request.destination().repository()
        + ":"
        + request.platform().slug();
  }

  private static AuthConfig authConfig(BuildRequest request) {
    return new AuthConfig()
        .withRegistryAddress(request.destination().registry())
        .withUsername(request.credentials().username())
        .withPassword(request.credentials().password());
  }

  /** Returns the registry configuration with which the builder pulls base images. */
  private static AuthConfigurations authConfigurations(BuildRequest request) {
    AuthConfigurations configurations = new AuthConfigurations();
    configurations.addConfig(authConfig(request));
    return configurations;
  }

  private <C extends EngineCallback<?>> C start(
      BuildRequest request, EngineOutput output, String step, java.util.function.Supplier<C> exec) {
    try {
      return exec.get();
    } catch (RuntimeException e) {
      throw failure(request, step + " failed to start: " + e.getMessage(), output, e);
    }
  }

  private void await(
      BuildRequest request,
      EngineOutput output,
      String step,
      EngineCallback<?> callback,
      long deadline) {
    try {
      long remaining = Math.max(0, deadline - System.nanoTime());
      if (!callback.awaitCompletion(remaining, TimeUnit.NANOSECONDS)) {
        closeQuietly(callback);
        throw failure(
            request,
            step + " did not finish within the build timeout of " + settings.buildTimeout(),
            output,
            null);
      }
      if (callback.failure != null) {
        throw transportFailure(request, output, step, callback.failure);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(callback);
      throw failure(request, step + " was interrupted", output, e);
    } catch (EngineException e) {
      throw e;
    } catch (RuntimeException e) {
      throw transportFailure(request, output, step, e);
    }
  }

  private EngineException transportFailure(
      BuildRequest request, EngineOutput output, String step, Throwable error) {
    if (isConnectionFailure(error)) {
      return failure(
          request,
          step
              + " failed because it cannot reach the engine ("
              + error.getMessage()
              + "): check that the engine runs and that this process may connect to it",
          output,
          error);
    }
    return failure(request, step + " failed: " + error.getMessage(), output, error);
  }

  private static boolean isConnectionFailure(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.SocketException) {
        return true;
      }
    }
    return false;
  }

  private EngineException failure(
      BuildRequest request, String problem, EngineOutput output, Throwable cause) {
    output.flush();
    StringBuilder message =
        new StringBuilder("Docker engine at ")
            .append(settings.host())
            .append(": ")
            .append(request.partition())
            .append(": ")
            .append(problem);
    if (problem.contains("unauthorized")) {
      message
          .append(". The registry ")
          .append(request.destination().registry())
          .append(" rejected the build's credentials for user ")
          .append(request.credentials().username())
          .append(": check that they are valid and grant pull and push");
    }
    if (!output.tail().isEmpty()) {
      message.append("\nLast lines of the build log:");
      output.tail().forEach(line -> message.append("\n  ").append(line));
    }
    return new EngineException(message.toString(), cause);
  }

  private static void closeQuietly(ResultCallback.Adapter<?> callback) {
    try {
      callback.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing an engine callback failed", e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Could not delete the temporary context archive {}: {}", file, e.getMessage());
    }
  }

  /**
   * Returns a status line worth logging, or null for progress updates (byte counters) that would
   * flood the log.
   */
  static String statusLine(ResponseItem item) {
    if (item.getStatus() == null || (item.getProgress() != null && !item.getProgress().isBlank())) {
      return null;
    }
    return item.getId() == null ? item.getStatus() : item.getId() + ": " + item.getStatus();
  }

  /** Returns the engine's error in an item, or null. */
  static String errorOf(ResponseItem item) {
    if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
      return item.getErrorDetail().getMessage();
    }
    return item.getError();
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      LOG.warn("Closing the Docker client for {} failed: {}", settings.host(), e.getMessage());
    }
  }

  /**
   * Base of the engine callbacks: passes status lines to the log and keeps the engine's first error
   * and any transport failure for {@link #await} to raise.
   */
  private abstract static class EngineCallback<T extends ResponseItem>
      extends ResultCallback.Adapter<T> {

    final EngineOutput output;
    volatile String error;
    volatile Throwable failure;

    EngineCallback(EngineOutput output) {
      this.output = output;
    }

    /**
     * Keeps the failure for the waiting thread, which reports it once. docker-java's default would
     * also log it at ERROR.
     */
    @Override
    public void onError(Throwable throwable) {
      if (failure == null) {
        failure = throwable;
      }
      closeQuietly(this);
    }

    /** Logs the item's status, if it is worth a line, and keeps its error, if it is the first. */
    void statusAndError(ResponseItem item) {
      String status = statusLine(item);
      if (status != null) {
        output.line(status);
      }
      if (item.isErrorIndicated() && error == null) {
        error = errorOf(item);
        output.line("ERROR: " + error);
      }
    }
  }

  /** Streams build output into the log and remembers the image id and the first error. */
  private static final class BuildCallback extends EngineCallback<BuildResponseItem> {

    private volatile String imageId;

    BuildCallback(EngineOutput output) {
      super(output);
    }

    @Override
    public void onNext(BuildResponseItem item) {
      output.text(item.getStream());
      statusAndError(item);
      if (item.isBuildSuccessIndicated()) {
        imageId = item.getImageId();
      }
    }
  }

  /** Streams push progress into the log and remembers the manifest digest and the first error. */
  private static final class PushCallback extends EngineCallback<PushResponseItem> {

    private volatile String digest;
    private volatile Long size;

    PushCallback(EngineOutput output) {
      super(output);
    }

    @Override
    public void onNext(PushResponseItem item) {
      statusAndError(item);
      if (item.getAux() != null && item.getAux().getDigest() != null) {
        digest = item.getAux().getDigest();
        size = item.getAux().getSize() == null ? null : item.getAux().getSize().longValue();
      }
    }
  }
}
