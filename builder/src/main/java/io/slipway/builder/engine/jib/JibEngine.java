package io.slipway.builder.engine.jib;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import io.slipway.builder.BuildEngine;
import io.slipway.builder.BuildException;
import io.slipway.builder.BuildInputException;
import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.EngineException;
import io.slipway.builder.context.FileTrees;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.DockerfileParser;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.Stage;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Dockerfiles without a container runtime, with Jib-core: {@code FROM} an image in the
 * build's registry or {@code scratch}, {@code COPY}, {@code ADD} of local files and archives,
 * {@code ENV}, {@code ARG}, {@code LABEL}, {@code WORKDIR}, {@code USER}, {@code EXPOSE}, {@code
 * ENTRYPOINT}, {@code CMD}, {@code VOLUME}, {@code SHELL}, and {@code COPY --from} between such
 * stages. {@code RUN}, {@code HEALTHCHECK}, {@code STOPSIGNAL} and {@code ONBUILD} fail the build
 * before anything is pushed.
 *
 * <p>Images are OCI, with Jib's fixed file times, sorted layer entries and the request's creation
 * time, so the same input gives the same manifest digest. Base layers are cached under {@link
 * JibSettings#cacheDirectory()}. Application layers are cached only within one build. Jib finds a
 * cached application layer by its files' paths and modification times, not their content, so a
 * shared cache could return a stale layer for a rebuilt context with fixed times. Jib checks which
 * blobs the registry has and uploads only the others, so an unchanged layer is never uploaded
 * twice. {@code --chown} takes numeric ids only (and {@code root}), because names would need the
 * base image's user database.
 *
 * <p>Thread-safe: each build has its own scratch directory, registry client and Jib run. The base
 * layer cache is shared; Jib writes each entry beside it and moves it into place only when no other
 * build has.
 */
public final class JibEngine implements BuildEngine {

  /** The reason a build with {@code RUN} fails with, naming the settings to configure. */
  static final String RUN_NEEDS_RUNTIME =
      "RUN needs a runtime engine: configure slipway.builder.docker.host or"
          + " slipway.builder.buildkit.address";

  /**
   * Jib's switch for sending credentials over plain HTTP, which it otherwise rejects. The engine
   * sets it only when a build pushes to a registry on 127.0.0.0/8, because there the credentials
   * never leave the machine. Builds for any other registry do not allow plain HTTP at all.
   */
  static final String SEND_CREDENTIALS_OVER_HTTP = "sendCredentialsOverHttp";

  private static final Logger LOG = LoggerFactory.getLogger(JibEngine.class);
  private static final Set<String> UNSUPPORTED = Set.of("HEALTHCHECK", "STOPSIGNAL", "ONBUILD");

  private final JibSettings settings;
  private final LayerListings listings = new LayerListings();

  public JibEngine(JibSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public String name() {
    return "jib";
  }

  @Override
  public boolean runsCommands() {
    return false;
  }

  /**
   * {@inheritDoc}
   *
   * @throws BuildInputException for a {@code RUN} or another instruction Jib cannot build, a
   *     missing source, a base image outside the build's registry or without the platform
   */
  @Override
  public BuildResult build(BuildRequest request, BuildLog log) {
    String file = request.dockerfile();
    Dockerfile dockerfile = DockerfileParser.parse(readDockerfile(request), file);
    VariableScope scope = VariableScope.of(dockerfile, request.buildArgs(), request.platform());
    Stage target = dockerfile.targetStage(request.target());
    rejectUnsupported(dockerfile.dependencyChain(request.target()), file);

    RegistryClient client =
        new RegistryClient(
            request.destination().registry(), request.credentials(), settings.registryTimeout());
    Path work = createWorkDirectory();
    try {
      log.line("Jib: building " + request.partition() + " from " + file);
      JibContainerBuilder container = assemble(request, dockerfile, scope, target, client, work);
      return push(request, container, client, log, work.resolve("application-layers"));
    } catch (IOException | UncheckedIOException e) {
      throw new EngineException(
          "Jib engine failed for " + request.partition() + " while reading files: " + e, e);
    } finally {
      deleteQuietly(work, request);
    }
  }

  private JibContainerBuilder assemble(
      BuildRequest request,
      Dockerfile dockerfile,
      VariableScope scope,
      Stage target,
      RegistryClient client,
      Path work)
      throws IOException {
    BaseImages images = new BaseImages(client, listings, request.platform(), dockerfile.fileName());
    CopyResolver resolver = new CopyResolver(dockerfile.fileName(), work.resolve("scratch"));
    StageFilesystems filesystems =
        new StageFilesystems(
            dockerfile, scope, images, resolver, request.context(), work.resolve("stages"));
    return new ImageAssembler(request, dockerfile, scope, images, resolver, filesystems)
        .assemble(target);
  }

  private BuildResult push(
      BuildRequest request,
      JibContainerBuilder container,
      RegistryClient client,
      BuildLog log,
      Path applicationLayers) {
    String registry = request.destination().registry();
    boolean loopback = RegistryClient.isLoopbackRegistry(registry);
    if (loopback) {
      System.setProperty(SEND_CREDENTIALS_OVER_HTTP, "true");
    }
    try {
      RegistryImage destination =
          RegistryImage.named(request.destination().toString())
              .addCredential(request.credentials().username(), request.credentials().password());
      Containerizer containerizer =
          Containerizer.to(destination)
              .setAllowInsecureRegistries(loopback)
              .setBaseImageLayersCache(settings.baseLayersCache())
              .setApplicationLayersCache(applicationLayers)
              .setToolName("slipway")
              .addEventHandler(LogEvent.class, event -> relay(event, log));
      JibContainer pushed = container.containerize(containerizer);
      String digest = pushed.getDigest().toString();
      Descriptor manifest =
          client
              .headManifest(request.destination().repository(), digest)
              .orElseThrow(
                  () ->
                      new RegistryException(
                          request.destination().repository(),
                          digest,
                          404,
                          "Jib reported the push, but the registry does not have the manifest"));
      log.line("Jib: pushed " + request.destination() + " as " + digest);
      LOG.info(
          "Jib built {} and pushed {} as {}", request.partition(), request.destination(), digest);
      return new BuildResult(request.platform(), digest, manifest.mediaType(), manifest.size());
    } catch (InvalidImageReferenceException e) {
      throw new EngineException(
          "Destination " + request.destination() + " is not a valid image reference", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("Jib build of " + request.partition() + " was interrupted", e);
    } catch (ExecutionException | CacheDirectoryCreationException | IOException e) {
      throw failure(request, e);
    } catch (com.google.cloud.tools.jib.api.RegistryException e) {
      throw new EngineException(
          "Jib could not push "
              + request.partition()
              + " to "
              + request.destination()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Unwraps Jib's wrapper exceptions so that our own input errors surface unchanged. */
  private static BuildException failure(BuildRequest request, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof BuildException build) {
      return build;
    }
    return new EngineException("Jib build of " + request.partition() + " failed: " + cause, cause);
  }

  private static void relay(LogEvent event, BuildLog log) {
    if (event.getLevel() == LogEvent.Level.DEBUG || isHttpsFallback(event.getMessage())) {
      return;
    }
    log.line("Jib: " + event.getMessage());
  }

  /**
   * Returns true for Jib's notes that HTTPS failed and it retries over plain HTTP. Jib tries HTTPS
   * first on every request, and the registry on loopback speaks plain HTTP, so these come in pairs
   * for every blob and carry no information about the build.
   */
  private static boolean isHttpsFallback(String message) {
    return message.startsWith("Cannot verify server at https://")
        || (message.startsWith("Failed to connect to https://")
            && message.endsWith("Attempting again with HTTP."));
  }

  private static void rejectUnsupported(List<Stage> stages, String file) {
    for (Stage stage : stages) {
      for (Instruction instruction : stage.instructions()) {
        if (instruction.is("RUN")) {
          throw new BuildInputException(file, instruction.line(), RUN_NEEDS_RUNTIME);
        }
        if (UNSUPPORTED.contains(instruction.keyword())) {
          throw new BuildInputException(
              file,
              instruction.line(),
              instruction.keyword()
                  + " is not supported by the Jib engine; build this service with the Docker or"
                  + " BuildKit engine");
        }
      }
    }
  }

  private static String readDockerfile(BuildRequest request) {
    try {
      return Files.readString(request.dockerfilePath(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new BuildInputException(request.dockerfile(), 0, "the Dockerfile does not exist");
    } catch (IOException e) {
      throw new EngineException("Cannot read " + request.dockerfilePath() + ": " + e, e);
    }
  }

  private Path createWorkDirectory() {
    try {
      Files.createDirectories(settings.workDirectory());
      return Files.createTempDirectory(settings.workDirectory(), "build-");
    } catch (IOException e) {
      throw new EngineException(
          "Cannot create a work directory under " + settings.workDirectory() + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path work, BuildRequest request) {
    try {
      FileTrees.delete(work);
    } catch (IOException e) {
      LOG.warn(
          "Could not remove the work directory {} of {}: {}",
          work,
          request.partition(),
          e.toString());
    }
  }
}
