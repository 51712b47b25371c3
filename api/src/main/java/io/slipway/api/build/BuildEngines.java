package io.slipway.api.build;

import io.slipway.builder.BuildEngine;
import io.slipway.builder.engine.buildkit.BuildKitEngine;
import io.slipway.builder.engine.buildkit.BuildKitSettings;
import io.slipway.builder.engine.docker.DockerEngine;
import io.slipway.builder.engine.docker.DockerSettings;
import io.slipway.builder.engine.jib.JibEngine;
import io.slipway.builder.engine.jib.JibSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build engines this server runs, by {@link BuildEngine#name()}: Jib always, the Docker engine
 * when {@link EngineSettings} names its host, and BuildKit when it names an address. Closes those
 * that hold connections when the server stops. Immutable after construction and safe for concurrent
 * use.
 */
public final class BuildEngines implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BuildEngines.class);

  private final Map<String, BuildEngine> engines;

  private BuildEngines(Map<String, BuildEngine> engines) {
    this.engines = Map.copyOf(engines);
  }

  /**
   * Creates the engines that {@code settings} enable.
   *
   * @param cacheDirectory the builder's cache directory; Jib keeps its layers below it
   */
  public static BuildEngines create(EngineSettings settings, Path cacheDirectory) {
    Map<String, BuildEngine> engines = new LinkedHashMap<>();
    JibEngine jib = new JibEngine(JibSettings.in(cacheDirectory.resolve("jib")));
    engines.put(jib.name(), jib);
    if (settings.dockerHost() != null) {
      DockerEngine docker = new DockerEngine(DockerSettings.of(URI.create(settings.dockerHost())));
      engines.put(docker.name(), docker);
    }
    if (settings.buildkitAddress() != null) {
      BuildKitEngine buildkit =
          new BuildKitEngine(
              new BuildKitSettings(settings.buildkitAddress(), dockerSocket(settings)));
      engines.put(buildkit.name(), buildkit);
    }
    return new BuildEngines(engines);
  }

  /**
   * Returns the Docker engine's unix socket, which BuildKit needs to load base images and push
   * results: the socket of the configured Docker host, else the default one.
   */
  private static Path dockerSocket(EngineSettings settings) {
    String host = settings.dockerHost();
    if (host != null && host.startsWith("unix://")) {
      return Path.of(URI.create(host).getPath());
    }
    return BuildKitSettings.DEFAULT_DOCKER_SOCKET;
  }

  /** Returns the engines by name. */
  public Map<String, BuildEngine> byName() {
    return engines;
  }

  @Override
  public void close() {
    for (BuildEngine engine : engines.values()) {
      if (engine instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.warn("Cannot close build engine {}: {}", engine.name(), e.toString());
        }
      }
    }
  }
}
