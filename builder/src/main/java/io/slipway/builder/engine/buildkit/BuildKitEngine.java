package io.slipway.builder.engine.buildkit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.slipway.builder.BuildEngine;
import io.slipway.builder.BuildException;
import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.EngineException;
import io.slipway.builder.engine.buildkit.api.ControlGrpc;
import io.slipway.builder.engine.buildkit.api.ListWorkersRequest;
import io.slipway.builder.engine.buildkit.api.SolveRequest;
import io.slipway.builder.engine.buildkit.api.SolveResponse;
import io.slipway.builder.engine.buildkit.api.StatusRequest;
import io.slipway.builder.engine.buildkit.api.StatusResponse;
import io.slipway.builder.engine.buildkit.api.WorkerRecord;
import io.slipway.builder.plan.EmulatorCheck;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.builder.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds with BuildKit over its gRPC control API ({@code moby.buildkit.v1.Control}), on the
 * BuildKit embedded in a Docker engine (reached through an {@link H2cRelay}).
 *
 * <p>One build takes these steps:
 *
 * <ol>
 *   <li>Every pinned {@code FROM} image is pulled into the engine's store with the request's
 *       credentials. BuildKit there takes base images from the local store, so it never contacts a
 *       registry itself.
 *   <li>A {@link ContextGitServer} serves the context to BuildKit as a one-commit git repository.
 *   <li>{@code Solve} runs the {@code dockerfile.v0} frontend for the request's platform and
 *       exports with the {@code moby} exporter into the engine's store. Meanwhile {@code Status}
 *       with the same ref streams the steps, their output and errors into the build log.
 *   <li>The engine pushes the image to the registry, and the local tag is removed.
 * </ol>
 *
 * <p>Reproducibility: BuildKit 0.8 takes no creation time from its client, so a step that runs
 * again gives a new layer and image digest. Steps whose inputs are unchanged come from BuildKit's
 * cache, and identical contexts give identical commits, which BuildKit's cache recognises.
 *
 * <p>A standalone {@code buildkitd} ({@code tcp://} address) answers {@link #supportedPlatforms}
 * but cannot build yet: it would need registry credentials through a client session.
 *
 * <p>Thread-safe: partitions build concurrently over one channel, each with its own ref, context
 * URL and image tag.
 */
public final class BuildKitEngine implements BuildEngine, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BuildKitEngine.class);

  /** Docker 20.10 pushes Docker image manifests, schema 2; used when a registry omits the type. */
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

  /** Maximum duration of one Solve, so a stuck engine fails the build instead of blocking it. */
  static final Duration BUILD_TIMEOUT = Duration.ofHours(2);

  /** Limit for each request to the registry when reading back the pushed manifest. */
  private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);

  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final BuildKitSettings settings;
  private final EngineImages images;
  private final H2cRelay relay;
  private final ManagedChannel channel;
  private final ContextGitServer contexts;

  /**
   * Connects lazily to BuildKit at {@code settings}: nothing is contacted before the first call.
   *
   * @throws EngineException when the loopback relay or context server cannot bind a port
   */
  public BuildKitEngine(BuildKitSettings settings) {
    this.settings = settings;
    this.images = new EngineImages(new DockerSocket(settings.dockerSocket()));
    if (settings.embedded()) {
      this.relay = H2cRelay.start(settings.dockerSocket());
      this.channel =
          ManagedChannelBuilder.forAddress(
                  relay.address().getAddress().getHostAddress(), relay.address().getPort())
              .usePlaintext()
              .maxInboundMessageSize(MAX_MESSAGE_BYTES)
              .build();
    } else {
      this.relay = null;
      this.channel =
          ManagedChannelBuilder.forTarget(settings.tcpTarget())
              .usePlaintext()
              .maxInboundMessageSize(MAX_MESSAGE_BYTES)
              .build();
    }
    this.contexts = ContextGitServer.start();
  }

  @Override
  public String name() {
    return "buildkit";
  }

  @Override
  public boolean runsCommands() {
    return true;
  }

  /**
   * Returns the platforms BuildKit's workers can run {@code RUN} steps for, natively or through an
   * emulator registered with the kernel.
   *
   * @throws EngineException when BuildKit cannot be reached
   */
  public Set<Platform> supportedPlatforms() {
    try {
      Set<Platform> platforms = new LinkedHashSet<>();
      for (WorkerRecord worker :
          ControlGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .listWorkers(ListWorkersRequest.getDefaultInstance())
              .getRecordList()) {
        for (io.slipway.builder.engine.buildkit.api.Platform platform : worker.getPlatformsList()) {
          String variant = platform.getVariant().isEmpty() ? null : platform.getVariant();
          platforms.add(new Platform(platform.getOs(), platform.getArchitecture(), variant));
        }
      }
      return platforms;
    } catch (StatusRuntimeException e) {
      throw new EngineException("Cannot list BuildKit workers at " + where() + ": " + e, e);
    }
  }

  /**
   * Returns a preflight check that lists BuildKit's workers ({@link #supportedPlatforms}) to decide
   * whether a {@code RUN} for a platform can execute. Each check lists the workers again, because
   * an emulator may be registered while the server runs.
   */
  public EmulatorCheck emulatorCheck() {
    return platform -> supportedPlatforms().contains(platform);
  }

  @Override
  public BuildResult build(BuildRequest request, BuildLog buildLog) {
    if (!settings.embedded()) {
      // NOTE: a standalone buildkitd pulls and pushes images itself and requests registry
      // credentials from the client through a session, which this client does not implement yet.
      throw new EngineException(
          "BuildKit at "
              + settings.address()
              + " is a standalone buildkitd, which this version cannot give registry credentials;"
              + " set the BuildKit address to 'docker' to build on the Docker engine's BuildKit");
    }
    String partition = request.partition();
    log.info("BuildKit build of {} to {} starts", partition, request.destination());

    for (String base : BaseImages.pinned(request.dockerfile(), readDockerfile(request))) {
      buildLog.line("Loading base image " + base);
      images.pull(base, request.platform(), request.credentials(), buildLog);
    }

    String image = request.destination().toString();
    try (ServedContext context = contexts.publish(request.context(), request.created())) {
      solve(request, context, image, buildLog);
    }

    buildLog.line("Pushing " + image);
    String pushedDigest;
    try {
      pushedDigest = images.push(request.destination(), request.credentials(), buildLog);
    } finally {
      untag(image, partition);
    }
    Descriptor manifest = pushedManifest(request, pushedDigest);
    log.info("BuildKit build of {} pushed {} as {}", partition, image, manifest.digest());
    return new BuildResult(
        request.platform(), manifest.digest(), manifest.mediaType(), manifest.size());
  }

  /**
   * Reads the pushed manifest's descriptor back from the registry, the authority on its media type
   * and size. The engine's push report names only the digest.
   */
  private static Descriptor pushedManifest(BuildRequest request, String digest) {
    ImageTarget destination = request.destination();
    RegistryClient registry =
        new RegistryClient(destination.registry(), request.credentials(), REGISTRY_TIMEOUT);
    Descriptor manifest =
        registry
            .headManifest(destination.repository(), digest)
            .orElseThrow(
                () ->
                    new EngineException(
                        "Docker engine reported pushing "
                            + destination.byDigest(digest)
                            + " but the registry does not have it; check the registry's logs"));
    if (manifest.mediaType().isBlank()) {
      return new Descriptor(DOCKER_MANIFEST, manifest.digest(), manifest.size(), null);
    }
    return manifest;
  }

  /** Removes the built image's tag from the engine; a failure only leaves the tag behind. */
  private void untag(String image, String partition) {
    try {
      images.untag(image);
    } catch (EngineException e) {
      log.warn(
          "BuildKit build of {} left tag {} in the engine: {}", partition, image, e.getMessage());
    }
  }

  private static String readDockerfile(BuildRequest request) {
    try {
      return Files.readString(request.dockerfilePath());
    } catch (IOException e) {
      throw new EngineException(
          "Cannot read the resolved Dockerfile " + request.dockerfilePath() + ": " + e, e);
    }
  }

  private void solve(BuildRequest request, ServedContext context, String image, BuildLog buildLog) {
    String ref = UUID.randomUUID().toString().replace("-", "");
    SolveRequest.Builder solve =
        SolveRequest.newBuilder()
            .setRef(ref)
            .setFrontend("dockerfile.v0")
            .putFrontendAttrs("context", context.buildKitContext())
            .putFrontendAttrs("filename", request.dockerfile())
            .putFrontendAttrs("platform", request.platform().toString())
            .setExporter("moby")
            .putExporterAttrs("name", image)
            // RUN steps use the host's network, because engines set up for Slipway run without a
            // bridge (dockerd --bridge=none) and BuildKit's default network fails there.
            // NOTE: so RUN steps can reach services listening on the host's loopback interface.
            .putFrontendAttrs("force-network-mode", "host")
            .addEntitlements("network.host");
    request
        .buildArgs()
        .forEach((name, value) -> solve.putFrontendAttrs("build-arg:" + name, value));
    if (request.target() != null) {
      solve.putFrontendAttrs("target", request.target());
    }
    if (request.noCache()) {
      // An empty value means every step; BuildKit also takes a list of stage names here.
      solve.putFrontendAttrs("no-cache", "");
    }

    StatusPrinter printer = new StatusPrinter(buildLog, context.secret());
    CountDownLatch statusEnded = new CountDownLatch(1);
    ControlGrpc.newStub(channel)
        .status(StatusRequest.newBuilder().setRef(ref).build(), observer(printer, statusEnded));
    try {
      SolveResponse response =
          ControlGrpc.newBlockingStub(channel)
              .withDeadlineAfter(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              .solve(solve.build());
      awaitStatus(statusEnded);
      printer.flush();
      log.debug(
          "BuildKit solve {} of {} returned exporter response {}",
          ref,
          request.partition(),
          response.getExporterResponseMap());
    } catch (StatusRuntimeException e) {
      awaitStatus(statusEnded);
      printer.flush();
      throw failure(request, e, printer.tail());
    }
  }

  private static StreamObserver<StatusResponse> observer(
      StatusPrinter printer, CountDownLatch ended) {
    return new StreamObserver<>() {
      @Override
      public void onNext(StatusResponse status) {
        printer.print(status);
      }

      @Override
      public void onError(Throwable error) {
        // The build's own outcome comes from Solve; a broken status stream only loses log lines.
        log.debug("BuildKit status stream ended early: {}", error.toString());
        ended.countDown();
      }

      @Override
      public void onCompleted() {
        ended.countDown();
      }
    };
  }

  /** Waits up to 10 s for the last status lines, which may arrive after Solve returns. */
  private static void awaitStatus(CountDownLatch ended) {
    try {
      ended.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private BuildException failure(
      BuildRequest request, StatusRuntimeException e, List<String> tail) {
    Status status = e.getStatus();
    String reason =
        status.getDescription() != null ? status.getDescription() : status.getCode().toString();
    String message =
        "BuildKit failed to build "
            + request.service()
            + " for "
            + request.platform()
            + ": "
            + reason
            + (tail.isEmpty() ? "" : "\nLast log lines:\n" + String.join("\n", tail));
    if (status.getCode() == Status.Code.UNAVAILABLE) {
      return new EngineException(
          "Cannot reach BuildKit at "
              + where()
              + " to build "
              + request.partition()
              + ": "
              + reason,
          e);
    }
    return new EngineException(message, e);
  }

  private String where() {
    return settings.embedded()
        ? "the Docker engine " + settings.dockerSocket()
        : settings.address();
  }

  /** Closes the channel, the relay and the context server. */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (relay != null) {
      relay.close();
    }
    contexts.close();
  }
}
