package io.slipway.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's containers and named volumes in the engine: lists them by the device label, creates
 * them from a {@link ContainerSpec}, removes them. Thread-safe.
 */
final class Containers {

  private static final Logger LOG = LoggerFactory.getLogger(Containers.class);

  private final DockerClient client;
  private final EngineNames names;

  Containers(DockerClient client, EngineNames names) {
    this.client = client;
    this.names = names;
  }

  /** Returns the device's containers, running or not, by service name. */
  Map<String, List<Container>> byService() {
    List<Container> containers =
        client
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(ContainerSpec.DEVICE_LABEL, names.deviceUuid()))
            .exec();
    Map<String, List<Container>> byService = new TreeMap<>();
    for (Container container : containers) {
      String service = container.getLabels().getOrDefault(ContainerSpec.SERVICE_LABEL, "");
      byService.computeIfAbsent(service, name -> new ArrayList<>()).add(container);
    }
    return byService;
  }

  /** Creates the container of {@code spec}, its named volumes first, and starts it. */
  void createAndStart(ContainerSpec spec) {
    for (MountPolicy.Mount mount : spec.mounts()) {
      if (!mount.source().startsWith("/")) {
        ensureVolume(mount.source(), spec);
      }
    }
    String id = command(spec).exec().getId();
    LOG.info(
        "Created container {} ({}) of service {} for release {} on device {}",
        spec.containerName(),
        id,
        spec.service(),
        spec.labels().get(ContainerSpec.RELEASE_LABEL),
        names.deviceUuid());
    start(id, spec.service());
  }

  /** Starts a container that exists. */
  void start(String containerId, String service) {
    client.startContainerCmd(containerId).exec();
    LOG.info(
        "Started container {} of service {} on device {}",
        containerId,
        service,
        names.deviceUuid());
  }

  /** Removes a container, stopping it first; a container that is gone already is fine. */
  void remove(Container container) {
    String service = container.getLabels().get(ContainerSpec.SERVICE_LABEL);
    try {
      client.removeContainerCmd(container.getId()).withForce(true).exec();
    } catch (NotFoundException e) {
      LOG.debug("Container {} of service {} was gone already", container.getId(), service);
      return;
    }
    LOG.info(
        "Removed container {} of service {} (release {}) on device {}",
        container.getId(),
        service,
        container.getLabels().get(ContainerSpec.RELEASE_LABEL),
        names.deviceUuid());
  }

  private CreateContainerCmd command(ContainerSpec spec) {
    List<Bind> binds = new ArrayList<>();
    for (MountPolicy.Mount mount : spec.mounts()) {
      binds.add(Bind.parse(mount.bind()));
    }
    List<PortBinding> ports = spec.ports().stream().map(Containers::portBinding).toList();
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode(spec.networkMode())
            .withRestartPolicy(RestartPolicy.parse(spec.restart()))
            .withPrivileged(spec.privileged())
            .withBinds(binds)
            .withPortBindings(ports);
    CreateContainerCmd command =
        client
            .createContainerCmd(spec.imageId())
            .withName(spec.containerName())
            .withEnv(spec.environment())
            .withLabels(spec.labels())
            .withExposedPorts(ports.stream().map(PortBinding::getExposedPort).toList())
            .withHostConfig(host);
    if (!spec.command().isEmpty()) {
      command.withCmd(spec.command());
    }
    if (!spec.entrypoint().isEmpty()) {
      command.withEntrypoint(spec.entrypoint());
    }
    return command;
  }

  private static PortBinding portBinding(String port) {
    // A bare container port is exposed without a host port; the engine then picks none.
    return port.contains(":")
        ? PortBinding.parse(port)
        : new PortBinding(Ports.Binding.empty(), ExposedPort.parse(port));
  }

  private void ensureVolume(String volume, ContainerSpec spec) {
    try {
      client.inspectVolumeCmd(volume).exec();
      return;
    } catch (NotFoundException e) {
      // Created below, labelled, so that it can be found by device.
    }
    // The volume outlives this container and release, so it takes the service's own labels only.
    Map<String, String> labels = new TreeMap<>(spec.labels());
    labels.remove(ContainerSpec.SPEC_LABEL);
    labels.remove(ContainerSpec.RELEASE_LABEL);
    client.createVolumeCmd().withName(volume).withLabels(labels).exec();
    LOG.info(
        "Created volume {} for service {} on device {}",
        volume,
        spec.service(),
        names.deviceUuid());
  }
}
