package io.slipway.systemtest.agent;

import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.testing.image.BusyboxImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The containers an agent created on the engine for one device, found by the agent's naming rule
 * {@code slipway_UUID8_SERVICE} (the first eight characters of the device's UUID) and read with the
 * docker CLI.
 */
public final class ServiceContainers {

  /** One container as {@code docker ps} lists it. */
  public record Container(String name, String image, String state) {

    public boolean running() {
      return state.equals("running");
    }
  }

  private final DockerCli docker;
  private final String shortUuid;
  private final String prefix;

  public ServiceContainers(DockerCli docker, String deviceUuid) {
    this.docker = docker;
    this.shortUuid = deviceUuid.replace("-", "").substring(0, 8);
    this.prefix = "slipway_" + shortUuid + "_";
  }

  /** Returns every container of the device, running or not. */
  public List<Container> all() {
    CommandResult listed =
        docker
            .run(
                "ps",
                "--all",
                "--filter",
                "name=" + prefix,
                "--format",
                "{{.Names}}\t{{.Image}}\t{{.State}}")
            .assertSucceeded();
    List<Container> containers = new ArrayList<>();
    for (String line : listed.stdout().split("\n")) {
      String[] fields = line.split("\t");
      if (fields.length == 3 && fields[0].startsWith(prefix)) {
        containers.add(new Container(fields[0], fields[1], fields[2]));
      }
    }
    return containers;
  }

  /** Returns the container of {@code service} when it exists. */
  public Optional<Container> of(String service) {
    return all().stream().filter(c -> c.name().equals(prefix + service)).findFirst();
  }

  /** Returns the variant text the running container of {@code service} holds, if it runs. */
  public Optional<String> runningVariant(String service) {
    Optional<Container> container = of(service).filter(Container::running);
    if (container.isEmpty()) {
      return Optional.empty();
    }
    CommandResult variant =
        docker.run("exec", container.get().name(), "cat", BusyboxImages.VARIANT_FILE);
    return variant.succeeded() ? Optional.of(variant.stdout().strip()) : Optional.empty();
  }

  /**
   * Returns when the container of {@code service} last started, as the engine reports it ({@code
   * .State.StartedAt}, RFC 3339 with nanoseconds), or empty when it does not exist.
   */
  public Optional<String> startedAt(String service) {
    Optional<Container> container = of(service);
    if (container.isEmpty()) {
      return Optional.empty();
    }
    CommandResult inspected =
        docker.run("inspect", "--format", "{{.State.StartedAt}}", container.get().name());
    return inspected.succeeded() ? Optional.of(inspected.stdout().strip()) : Optional.empty();
  }

  /**
   * Removes the device's containers and every image the agent loaded for the device, which the
   * agent tags {@code slipway/UUID8/SERVICE:HEX12}.
   */
  public void removeAll() {
    for (Container container : all()) {
      docker.run("rm", "--force", container.name());
    }
    CommandResult images =
        docker.run(
            "images",
            "--filter",
            "reference=slipway/" + shortUuid + "/*",
            "--format",
            "{{.Repository}}:{{.Tag}}");
    for (String image : images.stdout().split("\n")) {
      if (!image.isBlank()) {
        docker.run("rmi", "--force", image.strip());
      }
    }
  }

  /** Returns a listing for failure messages. */
  public String describe() {
    return "containers of " + prefix + "*: " + all();
  }
}
