package io.slipway.systemtest.agent;

import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.testing.image.BusyboxImages;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The containers an agent created on the engine for one device, found by the agent's naming rule
 * {@code slipway_UUID8_SERVICE} (the first eight characters of the device's UUID) and read with the
 * docker CLI.
 */
final class ServiceContainers {

  /** One container as {@code docker ps} lists it. */
  record Container(String name, String image, String state) {

    boolean running() {
      return state.equals("running");
    }
  }

  private final DockerCli docker;
  private final String prefix;

  ServiceContainers(DockerCli docker, String deviceUuid) {
    this.docker = docker;
    this.prefix = "slipway_" + deviceUuid.substring(0, 8) + "_";
  }

  /** Returns every container of the device, running or not. */
  List<Container> all() {
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
  Optional<Container> of(String service) {
    return all().stream().filter(c -> c.name().equals(prefix + service)).findFirst();
  }

  /** Returns the variant text the running container of {@code service} holds, if it runs. */
  Optional<String> runningVariant(String service) {
    Optional<Container> container = of(service).filter(Container::running);
    if (container.isEmpty()) {
      return Optional.empty();
    }
    CommandResult variant =
        docker.run("exec", container.get().name(), "cat", BusyboxImages.VARIANT_FILE);
    return variant.succeeded() ? Optional.of(variant.stdout().strip()) : Optional.empty();
  }

  /** Removes the device's containers and then the images they ran. */
  void removeAll() {
    Set<String> images = new LinkedHashSet<>();
    for (Container container : all()) {
      images.add(container.image());
      docker.run("rm", "--force", container.name());
    }
    for (String image : images) {
      docker.run("rmi", "--force", image);
    }
  }

  /** Returns a listing for failure messages. */
  String describe() {
    return "containers of " + prefix + "*: " + all();
  }
}
