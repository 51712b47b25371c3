package io.slipway.builder.engine.buildkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The address of the BuildKit that builds. Immutable.
 *
 * <p>{@code address} is either {@code docker}, the BuildKit embedded in the Docker engine behind
 * {@code dockerSocket}, or {@code tcp://host:port}, a standalone {@code buildkitd} reached in
 * plaintext (so only on a trusted network, such as loopback). The Docker engine's socket is needed
 * in both cases: base images are loaded into its store and results pushed from it.
 *
 * @param address {@code docker} or {@code tcp://host:port}
 * @param dockerSocket the Docker engine's unix socket, such as {@code /var/run/docker.sock}
 */
public record BuildKitSettings(String address, Path dockerSocket) {

  /** The address that selects the BuildKit embedded in the Docker engine. */
  public static final String DOCKER = "docker";

  /** The Docker engine's socket on a standard Linux installation. */
  public static final Path DEFAULT_DOCKER_SOCKET = Path.of("/var/run/docker.sock");

  /**
   * @throws IllegalArgumentException naming the address when it is neither {@code docker} nor
   *     {@code tcp://host:port}
   */
  public BuildKitSettings {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(dockerSocket, "dockerSocket");
    if (!DOCKER.equals(address)) {
      tcpTarget(address);
    }
  }

  /** Settings for {@code address} with the engine at {@link #DEFAULT_DOCKER_SOCKET}. */
  public BuildKitSettings(String address) {
    this(address, DEFAULT_DOCKER_SOCKET);
  }

  /** Returns true when the address names the BuildKit embedded in the Docker engine. */
  public boolean embedded() {
    return DOCKER.equals(address);
  }

  /** Returns {@code host:port} of a standalone daemon, for gRPC's target syntax. */
  String tcpTarget() {
    return tcpTarget(address);
  }

  private static String tcpTarget(String address) {
    URI uri;
    try {
      uri = URI.create(address);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || !"tcp".equals(uri.getScheme())
        || uri.getHost() == null
        || uri.getPort() <= 0
        || (uri.getPath() != null && !uri.getPath().isEmpty())) {
      throw new IllegalArgumentException(
          "BuildKit address '"
              + address
              + "' is invalid: write 'docker' for the Docker engine's BuildKit or tcp://host:port"
              + " for a buildkitd");
    }
    return uri.getHost() + ":" + uri.getPort();
  }
}
