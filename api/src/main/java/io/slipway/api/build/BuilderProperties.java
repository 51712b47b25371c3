package io.slipway.api.build;

import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Builder settings under {@code slipway.builder.*}.
 *
 * @param workers how many partitions (service x platform) build at once, 2 by default
 * @param engine the engine every service uses: {@code auto} (Jib when no stage runs commands, else
 *     BuildKit when configured, else Docker), {@code jib}, {@code docker} or {@code buildkit}
 * @param docker the Docker engine; its host defaults to {@code unix:///var/run/docker.sock} when
 *     that socket exists
 * @param buildkit the BuildKit daemon: only the Docker engine's embedded BuildKit ({@code docker});
 *     unset means no BuildKit engine
 * @param cacheDir directory of the build cache; relative to the data directory, {@code
 *     builds/cache} by default
 * @param maxSourceSize largest accepted upload of a build source, 512 MiB by default
 * @param maxExtractedSize maximum number of bytes an uploaded source may unpack to, 2 GiB by
 *     default
 * @param registry the {@code host:port} engines push to; by default {@code 127.0.0.1} and this
 *     server's own port
 */
@ConfigurationProperties("slipway.builder")
public record BuilderProperties(
    @DefaultValue("2") int workers,
    @DefaultValue("auto") String engine,
    @DefaultValue Docker docker,
    @DefaultValue BuildKit buildkit,
    String cacheDir,
    @DefaultValue("512MB") DataSize maxSourceSize,
    @DefaultValue("2GB") DataSize maxExtractedSize,
    String registry) {

  /** The engine names {@code slipway.builder.engine} and the {@code engine} query accept. */
  public static final Set<String> ENGINES = Set.of("auto", "jib", "docker", "buildkit");

  /** The Docker engine's socket when {@code slipway.builder.docker.host} is unset. */
  public static final String DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

  /**
   * The Docker engine.
   *
   * @param host its address, such as {@code unix:///var/run/docker.sock} or {@code
   *     tcp://127.0.0.1:2375}; unset means the default socket when it exists
   */
  public record Docker(String host) {}

  /** The only value {@code slipway.builder.buildkit.address} accepts besides unset. */
  public static final String BUILDKIT_IN_DOCKER = "docker";

  /**
   * The BuildKit daemon.
   *
   * @param address {@code docker} for the Docker engine's embedded BuildKit; unset means none. A
   *     standalone {@code buildkitd} ({@code tcp://host:port}) is rejected at startup, because the
   *     engine cannot pass it registry credentials to pull base images and push results.
   * @throws IllegalArgumentException naming the property and the value when it is not {@code
   *     docker}
   */
  public record BuildKit(String address) {

    public BuildKit {
      if (address != null && !address.isBlank() && !address.strip().equals(BUILDKIT_IN_DOCKER)) {
        throw new IllegalArgumentException(unsupported(address.strip()));
      }
    }

    private static String unsupported(String address) {
      String reason =
          address.startsWith("tcp://")
              ? "a standalone buildkitd is not supported because this version cannot pass it"
                  + " registry credentials"
              : "it is not a supported BuildKit address";
      return "slipway.builder.buildkit.address is '"
          + address
          + "': "
          + reason
          + ". Set it to '"
          + BUILDKIT_IN_DOCKER
          + "' to use the Docker engine's BuildKit, or leave it unset";
    }
  }

  /**
   * @throws IllegalArgumentException naming the setting when a value is out of range
   */
  public BuilderProperties {
    if (workers < 1 || workers > 64) {
      throw new IllegalArgumentException(
          "slipway.builder.workers is " + workers + ": set it to 1 to 64");
    }
    engine = engine == null ? "auto" : engine.strip().toLowerCase(Locale.ROOT);
    if (!ENGINES.contains(engine)) {
      throw new IllegalArgumentException(
          "slipway.builder.engine is '" + engine + "': set it to auto, jib, docker or buildkit");
    }
    if (maxSourceSize.toBytes() < 1 || maxExtractedSize.toBytes() < 1) {
      throw new IllegalArgumentException(
          "slipway.builder.max-source-size and max-extracted-size must be positive");
    }
    docker = docker == null ? new Docker(null) : docker;
    buildkit = buildkit == null ? new BuildKit(null) : buildkit;
  }
}
