package io.slipway.builder.plan;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.context.BuildContext;
import io.slipway.builder.context.PreparedContext;
import io.slipway.builder.context.SourceCheck;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.DockerfileParser;
import io.slipway.builder.dockerfile.Stage;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.project.Project;
import io.slipway.builder.project.ServiceSpec;
import io.slipway.builder.template.DockerfileResolver;
import io.slipway.builder.template.ResolvedDockerfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a project and the device types of a release into a {@link BuildPlan}, running every
 * preflight check first, so that bad input fails with its file, line and reason before anything is
 * built or pushed.
 *
 * <p>For each service built from source and each distinct platform of the targets, the planner:
 * resolves the Dockerfile per device type (templates filled; device types sharing a platform must
 * resolve to the same text), parses it, evaluates its variables (undefined ARGs fail), lists the
 * build context with {@code .dockerignore} and checks every {@code COPY}/{@code ADD} source, picks
 * the engine (see {@link EngineSelection}), checks that a foreign-platform {@code RUN} can be
 * emulated, pins every base image to its per-platform manifest, and computes the cache key.
 *
 * <p>Pinning: a {@code FROM} naming an image (not a stage, not {@code scratch}) is rewritten in
 * place to {@code host/repository@sha256:...}, keeping its {@code --platform} and {@code AS} name;
 * continuation lines of that {@code FROM} become empty so every other line keeps its number. An
 * image name without a registry host is looked up in the Slipway registry given to the planner, as
 * written (no {@code library/} is added); a first path component with a dot or a port, or {@code
 * localhost}, is a registry host. {@code COPY --from=IMAGE} is pinned the same way. Bases of stages
 * the target does not need are pinned when they exist and left as written otherwise, since only the
 * classic Docker builder builds such stages.
 *
 * <p>Safe for concurrent use when the resolver and emulator check are.
 */
public final class Planner {

  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

  private final String registry;
  private final BaseImageResolver baseImages;
  private final EngineSelection selection;

  /**
   * @param registry the Slipway registry as {@code host:port}; image names without a registry host
   *     resolve against it
   * @param baseImages pins base images per platform; null leaves them as written (dry run)
   * @param engines the configured engines that can run commands
   * @param emulators reports which platforms can run commands on this host
   */
  public Planner(
      String registry,
      BaseImageResolver baseImages,
      AvailableEngines engines,
      EmulatorCheck emulators) {
    this.registry = baseImages == null ? registry : Objects.requireNonNull(registry, "registry");
    this.baseImages = baseImages;
    this.selection = new EngineSelection(engines, emulators);
  }

  /**
   * Returns a planner that resolves no base image, for {@code --dry-run}: every preflight check
   * runs except the base images' existence, and {@code FROM} lines stay as written.
   */
  public static Planner dryRun(AvailableEngines engines, EmulatorCheck emulators) {
    return new Planner(null, null, engines, emulators);
  }

  /**
   * Plans the build of {@code project} for {@code targets}.
   *
   * @param project the loaded project
   * @param targets the device types to build for, at least one
   * @param choice the engine setting
   * @return the plan, one partition per built service and distinct platform
   * @throws BuildInputException for any bad input, naming the file, the line and the reason
   * @throws IllegalArgumentException when {@code targets} is empty or names a device type twice
   * @throws io.slipway.builder.EngineException when the registry cannot be asked about base images
   */
  public BuildPlan plan(Project project, List<BuildTarget> targets, EngineChoice choice) {
    requireTargets(targets);
    Map<String, Optional<String>> pinned = new ConcurrentHashMap<>();
    List<Partition> partitions = new ArrayList<>();
    for (ServiceSpec service : project.services()) {
      if (service.isBuilt()) {
        partitions.addAll(planService(project, service, targets, choice, pinned));
      }
    }
    LOG.info(
        "Planned project {}: {} partitions for device types {}",
        project.root(),
        partitions.size(),
        targets.stream().map(BuildTarget::deviceType).toList());
    return new BuildPlan(project, targets, partitions);
  }

  private static void requireTargets(List<BuildTarget> targets) {
    if (targets == null || targets.isEmpty()) {
      throw new IllegalArgumentException("No device type to build for; give at least one");
    }
    long distinct = targets.stream().map(BuildTarget::deviceType).distinct().count();
    if (distinct != targets.size()) {
      throw new IllegalArgumentException(
          "Device types "
              + targets.stream().map(BuildTarget::deviceType).toList()
              + " name one twice; list each once");
    }
  }

  private List<Partition> planService(
      Project project,
      ServiceSpec service,
      List<BuildTarget> targets,
      EngineChoice choice,
      Map<String, Optional<String>> pinned) {
    Path contextDir = project.root().resolve(service.context()).normalize();
    if (!Files.isDirectory(contextDir, LinkOption.NOFOLLOW_LINKS)) {
      throw new BuildInputException(
          service.file(),
          service.line(),
          "the build context '"
              + service.context()
              + "' of service "
              + service.name()
              + " is not a directory of the project; create it or fix build.context");
    }
    BuildContext context = BuildContext.scan(contextDir, service.context());
    PreparedContext.rejectReserved(context);
    Map<Platform, List<BuildTarget>> byPlatform = new LinkedHashMap<>();
    for (BuildTarget target : targets) {
      byPlatform.computeIfAbsent(target.platform(), p -> new ArrayList<>()).add(target);
    }
    List<Partition> partitions = new ArrayList<>();
    byPlatform.forEach(
        (platform, group) ->
            partitions.add(
                planPartition(project, service, platform, group, context, choice, pinned)));
    return partitions;
  }

  private Partition planPartition(
      Project project,
      ServiceSpec service,
      Platform platform,
      List<BuildTarget> group,
      BuildContext context,
      EngineChoice choice,
      Map<String, Optional<String>> pinned) {
    ResolvedDockerfile resolved = resolveShared(project.root(), service, platform, group);
    Dockerfile dockerfile = DockerfileParser.parse(resolved.text(), resolved.file());
    VariableScope scope = VariableScope.of(dockerfile, service.buildArgs(), platform);
    List<Stage> chain = scope.dependencyChain(service.target());
    SourceCheck.check(dockerfile, scope, chain, context);
    String engine = selection.pick(service.name(), dockerfile, scope, chain, platform, choice);
    Map<String, String> pins = new LinkedHashMap<>();
    String text = resolved.text();
    if (baseImages != null) {
      BasePinning pinning =
          new BasePinning(
              registry, dockerfile, text, scope, platform, image -> resolve(image, pinned));
      text = pinning.rewrite(chain, dockerfile.targetStage(service.target()), pins);
    }
    String key = cacheKey(text, context.hash(), service, platform, engine, pins);
    LOG.debug(
        "Planned service {} on {}: engine {}, Dockerfile {}, cache key {}",
        service.name(),
        platform,
        engine,
        resolved.file(),
        key);
    return new Partition(
        service.name(),
        platform,
        group,
        text,
        engine,
        context.root(),
        resolved.file(),
        service.buildArgs(),
        service.target(),
        pins,
        key);
  }

  private Optional<String> resolve(
      BasePinning.Lookup lookup, Map<String, Optional<String>> pinned) {
    String key = lookup.reference() + "|" + lookup.platform();
    return pinned.computeIfAbsent(
        key, k -> baseImages.resolve(lookup.reference(), lookup.platform()));
  }

  /**
   * Resolves the Dockerfile for every device type of one platform and requires them to agree, since
   * one image per platform is built.
   */
  private static ResolvedDockerfile resolveShared(
      Path root, ServiceSpec service, Platform platform, List<BuildTarget> group) {
    ResolvedDockerfile first = DockerfileResolver.resolve(root, service, group.get(0));
    for (BuildTarget other : group.subList(1, group.size())) {
      ResolvedDockerfile next = DockerfileResolver.resolve(root, service, other);
      if (!next.text().equals(first.text())) {
        throw new BuildInputException(
            next.file(),
            firstDifference(first.text(), next.text()),
            "device types "
                + group.get(0).deviceType()
                + " ("
                + first.file()
                + ") and "
                + other.deviceType()
                + " ("
                + next.file()
                + ") both run "
                + platform
                + " but resolve service "
                + service.name()
                + " to different Dockerfiles; one image per platform is built, so make them"
                + " resolve alike (avoid %%SLIPWAY_MACHINE_NAME%% or device-type files there)");
      }
    }
    return first;
  }

  private static int firstDifference(String a, String b) {
    String[] left = a.split("\n", -1);
    String[] right = b.split("\n", -1);
    for (int i = 0; i < Math.min(left.length, right.length); i++) {
      if (!left[i].equals(right[i])) {
        return i + 1;
      }
    }
    return Math.min(left.length, right.length);
  }

  /** Returns {@code sha256:} over every input that decides the partition's image. */
  static String cacheKey(
      String dockerfileText,
      String contextHash,
      ServiceSpec service,
      Platform platform,
      String engine,
      Map<String, String> pins) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no SHA-256", e);
    }
    field(digest, "version", "1");
    field(digest, "dockerfile", dockerfileText);
    field(digest, "context", contextHash);
    service.buildArgs().forEach((name, value) -> field(digest, "arg", name + "=" + value));
    field(digest, "target", Objects.toString(service.target(), ""));
    field(digest, "platform", platform.toString());
    field(digest, "engine", engine);
    new LinkedHashSet<>(pins.values()).forEach(pin -> field(digest, "base", pin));
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  private static void field(MessageDigest digest, String name, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update((name + "\0" + bytes.length + "\0").getBytes(StandardCharsets.UTF_8));
    digest.update(bytes);
  }
}
