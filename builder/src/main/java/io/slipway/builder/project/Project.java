package io.slipway.builder.project;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.compose.ComposeFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A source tree to build: a compose file with its services, or a single Dockerfile (one service
 * named {@code main}). Immutable.
 *
 * @param root the project's root directory, absolute
 * @param file the file that defines the services, relative to {@code root}: a compose file, or
 *     {@code Dockerfile} (or the template it resolves from) for a single-service project
 * @param services the services in file order, at least one
 */
public record Project(Path root, String file, List<ServiceSpec> services) {

  /** Compose file names looked for at the root, in this order. */
  public static final List<String> COMPOSE_FILES =
      List.of("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml");

  /**
   * @throws IllegalArgumentException when there is no service or two share a name
   */
  public Project {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(file, "file");
    services = List.copyOf(services);
    if (services.isEmpty()) {
      throw new IllegalArgumentException("Project " + root + " has no service");
    }
    if (services.stream().map(ServiceSpec::name).distinct().count() != services.size()) {
      throw new IllegalArgumentException("Project " + root + " has two services with one name");
    }
  }

  /**
   * Loads the project at {@code root}: the first of {@link #COMPOSE_FILES} that exists, else a
   * Dockerfile at the root ({@code Dockerfile}, {@code Dockerfile.template} or any {@code
   * Dockerfile.*}) as the single service {@code main} with the root as its context.
   *
   * @throws BuildInputException when there is neither a compose file nor a Dockerfile, or the
   *     compose file is invalid (naming the file, line and reason)
   * @throws UncheckedIOException when the tree cannot be read
   */
  public static Project load(Path root) {
    Path absolute = root.toAbsolutePath().normalize();
    for (String name : COMPOSE_FILES) {
      Path compose = absolute.resolve(name);
      if (Files.isRegularFile(compose)) {
        return new Project(absolute, name, ComposeFile.read(compose, name).services());
      }
    }
    if (hasDockerfile(absolute)) {
      ServiceSpec main =
          new ServiceSpec(
              ServiceSpec.SINGLE_SERVICE,
              "Dockerfile",
              0,
              ".",
              null,
              Map.of(),
              null,
              null,
              Map.of(),
              Map.of(),
              Map.of());
      return new Project(absolute, "Dockerfile", List.of(main));
    }
    throw new BuildInputException(
        "Dockerfile",
        0,
        "the project at "
            + absolute
            + " has neither a docker-compose.yml nor a Dockerfile; add one of them at its root");
  }

  /** Returns the service named {@code name}, if the project has it. */
  public Optional<ServiceSpec> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  private static boolean hasDockerfile(Path root) {
    try (Stream<Path> files = Files.list(root)) {
      return files.anyMatch(
          p -> {
            String name = p.getFileName().toString();
            return (name.equals("Dockerfile") || name.startsWith("Dockerfile."))
                && Files.isRegularFile(p);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list project directory " + root, e);
    }
  }
}
