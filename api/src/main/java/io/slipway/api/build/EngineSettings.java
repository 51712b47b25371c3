package io.slipway.api.build;

import io.slipway.builder.plan.EngineChoice;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which build engines this server has, from {@link BuilderProperties}: Jib always; the Docker
 * engine when {@code slipway.builder.docker.host} is set or the default socket exists; BuildKit
 * when {@code slipway.builder.buildkit.address} is set. Immutable.
 *
 * @param dockerHost the Docker engine's address, or null for none
 * @param buildkitAddress the BuildKit address ({@code docker}, the only supported one), or null
 * @param defaultEngine the engine used when a build does not ask for one
 */
public record EngineSettings(
    String dockerHost, String buildkitAddress, EngineChoice defaultEngine) {

  /** Reads the settings, looking for the default Docker socket when no host is set. */
  public static EngineSettings of(BuilderProperties properties) {
    return of(properties, Path.of(BuilderProperties.DEFAULT_DOCKER_SOCKET));
  }

  /** Reads the settings with {@code defaultSocket} as the Docker socket to look for. */
  static EngineSettings of(BuilderProperties properties, Path defaultSocket) {
    String docker = blankToNull(properties.docker().host());
    if (docker == null && Files.exists(defaultSocket)) {
      docker = "unix://" + defaultSocket.toAbsolutePath();
    }
    return new EngineSettings(
        docker,
        blankToNull(properties.buildkit().address()),
        EngineChoice.parse(properties.engine()));
  }

  /** Returns true when {@code choice} can build here; {@code AUTO} always can. */
  public boolean has(EngineChoice choice) {
    return switch (choice) {
      case AUTO, JIB -> true;
      case DOCKER -> dockerHost != null;
      case BUILDKIT -> buildkitAddress != null;
    };
  }

  /** Returns the setting that enables {@code choice}, for error messages. */
  static String settingFor(EngineChoice choice) {
    return switch (choice) {
      case DOCKER -> "slipway.builder.docker.host";
      case BUILDKIT -> "slipway.builder.buildkit.address";
      default -> "slipway.builder.engine";
    };
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
