package io.slipway.api.build;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.DeviceType;
import io.slipway.api.fleet.DeviceTypeCatalog;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.NewRelease;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseService;
import io.slipway.api.release.ReleaseSource;
import io.slipway.api.release.ReleaseStatus;
import io.slipway.api.release.SemanticVersion;
import io.slipway.builder.pipeline.BuildOrder;
import io.slipway.builder.pipeline.ReleasePipeline;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.plan.EngineChoice;
import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Starts builds from uploaded source: checks the request, stores and extracts the archive, creates
 * the release (source {@code BUILD}) and hands a {@link BuildOrder} to the {@link ReleasePipeline}.
 * Callers check access first. Safe for concurrent use.
 *
 * <p>Nothing is created for a request that fails before its source is extracted. Once the release
 * exists, a pipeline that rejects the order finishes it {@code FAILED} with the reason in its log.
 */
@Service
public class BuildService {

  private static final Logger log = LoggerFactory.getLogger(BuildService.class);

  private final ReleaseService releases;
  private final BuildDirectories directories;
  private final DeviceTypeCatalog deviceTypes;
  private final AuditLog audit;
  private final ObjectProvider<ReleasePipeline> pipeline;
  private final EngineSettings engines;
  private final BuilderProperties properties;
  private final BuildRecovery recovery;

  public BuildService(
      ReleaseService releases,
      BuildDirectories directories,
      DeviceTypeCatalog deviceTypes,
      AuditLog audit,
      ObjectProvider<ReleasePipeline> pipeline,
      EngineSettings engines,
      BuilderProperties properties,
      BuildRecovery recovery) {
    this.releases = releases;
    this.directories = directories;
    this.deviceTypes = deviceTypes;
    this.audit = audit;
    this.pipeline = pipeline;
    this.engines = engines;
    this.properties = properties;
    this.recovery = recovery;
  }

  /**
   * What a build request asks for, before its body is read.
   *
   * @param commit the source commit, or null
   * @param version the release version, or null for the next patch version
   * @param engine {@code auto}, {@code jib}, {@code docker} or {@code buildkit}, or null for the
   *     server's default
   * @param noCache true to build every partition even when the cache has it
   */
  public record BuildParameters(String commit, String version, String engine, boolean noCache) {}

  /**
   * The uploaded source.
   *
   * @param body the request body
   * @param contentType the declared media type, without parameters
   * @param contentLength the declared length, or -1 when unknown
   */
  public record Upload(InputStream body, String contentType, long contentLength) {}

  /**
   * Starts a build of {@code fleet} from {@code upload}.
   *
   * @return the release, with status {@code RUNNING}
   * @throws ApiException {@code INVALID_PARAMETER}, {@code INVALID_VERSION}, {@code
   *     BUILD_ENGINE_UNAVAILABLE}, {@code BUILDER_UNAVAILABLE}, {@code UNSUPPORTED_SOURCE_TYPE},
   *     {@code BUILD_SOURCE_TOO_LARGE}, {@code INVALID_BUILD_SOURCE}, {@code UNSAFE_BUILD_SOURCE},
   *     {@code UNKNOWN_DEVICE_TYPE} or {@code VERSION_TAKEN}, each naming the value at fault
   */
  public Release start(Identity who, Fleet fleet, BuildParameters parameters, Upload upload) {
    EngineChoice engine = engine(parameters.engine());
    NewRelease request = newRelease(parameters);
    List<BuildTarget> targets = targets(fleet);
    SourceUpload.requireType(upload.contentType());
    ReleasePipeline builds = requirePipeline();

    BuildDirectories.Incoming incoming = directories.incoming();
    SourceUpload.Received received;
    try {
      received =
          SourceUpload.receive(
              upload, incoming, properties.maxSourceSize().toBytes(), extractor(), fleet);
    } catch (RuntimeException e) {
      incoming.delete();
      throw e;
    }

    Release release = createRelease(who, fleet, request, incoming);
    auditStart(who, fleet, release, engine, parameters.noCache(), received);
    launch(builds, release, () -> order(release, fleet, targets, engine, parameters.noCache()));
    return releases.require(release.id());
  }

  private Release createRelease(
      Identity who, Fleet fleet, NewRelease request, BuildDirectories.Incoming incoming) {
    Release release;
    try {
      release = releases.create(who, fleet, request);
    } catch (RuntimeException e) {
      incoming.delete();
      throw e;
    }
    try {
      directories.adopt(incoming, release.id());
    } catch (IOException e) {
      incoming.delete();
      fail(release.id(), "Cannot keep the uploaded source: " + e.getMessage());
      throw new UncheckedIOException(e);
    }
    return release;
  }

  private BuildOrder order(
      Release release,
      Fleet fleet,
      List<BuildTarget> targets,
      EngineChoice engine,
      boolean noCache) {
    Instant created = SourceTime.newestFile(directories.sourceOf(release.id()));
    return new BuildOrder(
        release.id(),
        release.version(),
        fleet.repositoryPrefix(),
        directories.sourceOf(release.id()),
        release.sourceCommit(),
        created,
        targets,
        engine,
        noCache);
  }

  /** Starts the build; a failure to make or start the order finishes the release FAILED. */
  private void launch(ReleasePipeline builds, Release release, Supplier<BuildOrder> orders) {
    try {
      BuildOrder order = orders.get();
      long execution = builds.start(order);
      log.info(
          "Build of release {} ({}) of fleet {} started as job execution {} for {} on engine {}",
          order.releaseId(),
          order.version(),
          order.fleetRepository(),
          execution,
          order.targets().stream().map(BuildTarget::deviceType).toList(),
          order.engine());
    } catch (RuntimeException e) {
      log.error("Build of release {} could not start", release.id(), e);
      fail(release.id(), "The build could not start: " + e.getMessage());
      directories.delete(release.id());
      throw new ApiException(
          ErrorCode.BUILDER_UNAVAILABLE,
          "The build of release "
              + release.id()
              + " could not start ("
              + e.getMessage()
              + "); the release is marked FAILED, try again later");
    }
  }

  private void fail(long releaseId, String reason) {
    try {
      releases.appendLog(releaseId, List.of(reason));
      releases.finish(Identity.system("builder"), releaseId, ReleaseStatus.FAILED);
    } catch (ApiException e) {
      log.warn("Release {} could not be marked FAILED: {}", releaseId, e.getMessage());
    }
  }

  private void auditStart(
      Identity who,
      Fleet fleet,
      Release release,
      EngineChoice engine,
      boolean noCache,
      SourceUpload.Received received) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("releaseId", release.id());
    details.put("version", release.version());
    details.put("commit", release.sourceCommit());
    details.put("engine", engine.engineName());
    details.put("noCache", noCache);
    details.put("sourceBytes", received.bytes());
    details.put("entries", received.entries());
    audit.record(
        who,
        "build.started",
        "release",
        String.valueOf(release.id()),
        fleet.organizationId(),
        details);
  }

  private EngineChoice engine(String text) {
    if (text == null || text.isBlank()) {
      return engines.defaultEngine();
    }
    EngineChoice engine;
    try {
      engine = EngineChoice.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER, "Query parameter 'engine': " + e.getMessage());
    }
    if (!engines.has(engine)) {
      throw new ApiException(
          ErrorCode.BUILD_ENGINE_UNAVAILABLE,
          "Engine '"
              + engine.engineName()
              + "' is not configured on this server: set "
              + EngineSettings.settingFor(engine)
              + ", or ask for engine=auto or engine=jib");
    }
    return engine;
  }

  private static NewRelease newRelease(BuildParameters parameters) {
    SemanticVersion version = null;
    if (parameters.version() != null) {
      try {
        version = new SemanticVersion(parameters.version());
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.INVALID_VERSION, e.getMessage());
      }
      if (parameters.version().contains("+")) {
        throw new ApiException(
            ErrorCode.INVALID_VERSION,
            "Version '"
                + parameters.version()
                + "' has build metadata after '+', which an image tag cannot hold; leave it out");
      }
    }
    try {
      return new NewRelease(ReleaseSource.BUILD, parameters.commit(), version);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER, "Query parameter 'commit': " + e.getMessage());
    }
  }

  /**
   * Returns the device types the fleet builds for, as targets of the pipeline.
   *
   * @throws ApiException {@code UNKNOWN_DEVICE_TYPE} naming a device type this server does not know
   */
  public List<BuildTarget> targets(Fleet fleet) {
    List<BuildTarget> targets = new ArrayList<>();
    for (String slug : fleet.deviceTypesToBuild()) {
      DeviceType type =
          deviceTypes
              .find(slug)
              .orElseThrow(
                  () ->
                      new ApiException(
                          ErrorCode.UNKNOWN_DEVICE_TYPE,
                          "Fleet "
                              + fleet.repositoryPrefix()
                              + " builds for device type '"
                              + slug
                              + "', which this server does not know; change the fleet's"
                              + " deviceTypes"));
      targets.add(
          new BuildTarget(
              type.slug(),
              type.architecture().name(),
              Platform.parse(type.architecture().platform())));
    }
    return targets;
  }

  private ReleasePipeline requirePipeline() {
    if (!recovery.isDone()) {
      throw new ApiException(
          ErrorCode.BUILDER_UNAVAILABLE,
          "The server is still restarting builds of its previous run; send the build again in a"
              + " few seconds");
    }
    ReleasePipeline builds = pipeline.getIfAvailable();
    if (builds == null) {
      throw new ApiException(
          ErrorCode.BUILDER_UNAVAILABLE,
          "This server has no release pipeline to build with; push prebuilt images and create the"
              + " release through /api/v1/orgs/{org}/fleets/{fleet}/releases instead");
    }
    return builds;
  }

  private SourceExtractor extractor() {
    return new SourceExtractor(properties.maxExtractedSize().toBytes(), SourceUpload.MAX_ENTRIES);
  }
}
