package io.slipway.agent.engine;

import io.slipway.agent.store.InstalledService;
import io.slipway.delta.image.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container one service of a release runs in, worked out from its compose configuration.
 * Supported compose keys: {@code network_mode} ({@code host}, {@code bridge}, {@code none} or
 * {@code service:NAME}; default {@code host}), {@code restart} ({@code no}, {@code always}, {@code
 * unless-stopped}, {@code on-failure[:N]}; default {@code always}), {@code volumes} (see {@link
 * MountPolicy}), {@code privileged}, {@code command}, {@code entrypoint} (a list, or a string split
 * into words as a shell would, quotes included) and {@code ports} ({@code
 * [IP:]HOST:CONTAINER[/udp]} or {@code CONTAINER}). Other keys are ignored with a WARN naming them.
 * Immutable.
 *
 * @param service the service name
 * @param containerName the container's name in the engine
 * @param imageId the image's id in the engine (its config digest)
 * @param environment {@code NAME=VALUE} entries, sorted by name
 * @param labels the service's labels plus {@code io.slipway.device}, {@code io.slipway.service},
 *     {@code io.slipway.release} and {@link #SPEC_LABEL}
 * @param networkMode the engine's network mode
 * @param restart the restart policy in compose form
 * @param mounts volumes and host paths, the update lock directory included
 * @param privileged whether the container runs privileged
 * @param command the command, or empty for the image's
 * @param entrypoint the entrypoint, or empty for the image's
 * @param ports port publications in compose form
 */
record ContainerSpec(
    String service,
    String containerName,
    String imageId,
    List<String> environment,
    Map<String, String> labels,
    String networkMode,
    String restart,
    List<MountPolicy.Mount> mounts,
    boolean privileged,
    List<String> command,
    List<String> entrypoint,
    List<String> ports) {

  /** The label that carries the digest of everything else in the spec but the release id. */
  static final String SPEC_LABEL = "io.slipway.spec";

  static final String DEVICE_LABEL = "io.slipway.device";
  static final String SERVICE_LABEL = "io.slipway.service";
  static final String RELEASE_LABEL = "io.slipway.release";

  /**
   * Container paths of the update lock directory: the agent's own, and balena's for services
   * written for it.
   */
  static final List<String> LOCK_TARGETS = List.of("/tmp/slipway", "/tmp/balena");

  private static final Set<String> SUPPORTED =
      Set.of("network_mode", "restart", "volumes", "privileged", "command", "entrypoint", "ports");

  /** Keys the target state already carries elsewhere, or that only concern the build. */
  private static final Set<String> HANDLED_ELSEWHERE =
      Set.of("image", "build", "environment", "labels");

  private static final Logger LOG = LoggerFactory.getLogger(ContainerSpec.class);

  ContainerSpec {
    environment = List.copyOf(environment);
    // Sorted, so that the text form, and with it the spec digest, is the same on every run.
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    mounts = List.copyOf(mounts);
    command = List.copyOf(command);
    entrypoint = List.copyOf(entrypoint);
    ports = List.copyOf(ports);
  }

  /**
   * Works out the container of {@code service} in release {@code releaseId}.
   *
   * @param imageId the loaded image's id, {@code sha256:...}
   * @param lockDir the host directory of the service's update lock
   * @throws IllegalArgumentException naming the service, key and value when a supported key has an
   *     invalid value
   */
  static ContainerSpec of(
      InstalledService service,
      long releaseId,
      Digest imageId,
      EngineNames names,
      MountPolicy policy,
      Path lockDir) {
    String name = service.name();
    Map<String, Object> configuration = service.configuration();
    warnUnsupported(name, configuration);

    List<MountPolicy.Mount> mounts =
        new ArrayList<>(policy.mounts(names, name, configuration.get("volumes"), service.labels()));
    for (String target : LOCK_TARGETS) {
      mounts.add(new MountPolicy.Mount(lockDir.toString(), target, false));
    }

    Map<String, String> labels = new TreeMap<>(service.labels());
    labels.put(DEVICE_LABEL, names.deviceUuid());
    labels.put(SERVICE_LABEL, name);

    ContainerSpec unlabelled =
        new ContainerSpec(
            name,
            names.container(name),
            imageId.value(),
            environment(service.environment()),
            labels,
            networkMode(names, name, configuration.get("network_mode")),
            restart(name, configuration.get("restart")),
            mounts,
            flag(name, "privileged", configuration.get("privileged")),
            ComposeWords.words(name, "command", configuration.get("command")),
            ComposeWords.words(name, "entrypoint", configuration.get("entrypoint")),
            ports(name, configuration.get("ports")));

    labels.put(SPEC_LABEL, unlabelled.digest().value());
    labels.put(RELEASE_LABEL, Long.toString(releaseId));
    return new ContainerSpec(
        name,
        unlabelled.containerName(),
        unlabelled.imageId(),
        unlabelled.environment(),
        labels,
        unlabelled.networkMode(),
        unlabelled.restart(),
        mounts,
        unlabelled.privileged(),
        unlabelled.command(),
        unlabelled.entrypoint(),
        unlabelled.ports());
  }

  /** Returns the value of {@link #SPEC_LABEL}: what a running container must match. */
  String specDigest() {
    return labels.get(SPEC_LABEL);
  }

  /**
   * Returns the digest of the spec's text form. Callers compute it before adding the release id, so
   * a service that a new release leaves unchanged keeps running.
   */
  private Digest digest() {
    return Digest.of(toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void warnUnsupported(String service, Map<String, Object> configuration) {
    Set<String> unknown = new TreeSet<>(configuration.keySet());
    unknown.removeAll(SUPPORTED);
    unknown.removeAll(HANDLED_ELSEWHERE);
    if (!unknown.isEmpty()) {
      LOG.warn("Service {} has compose keys the agent ignores: {}", service, unknown);
    }
  }

  private static List<String> environment(Map<String, String> variables) {
    List<String> entries = new ArrayList<>();
    new TreeMap<>(variables).forEach((name, value) -> entries.add(name + "=" + value));
    return entries;
  }

  private static String networkMode(EngineNames names, String service, Object value) {
    if (value == null) {
      // NOTE: host networking is the default because engines on devices often run without a
      // bridge; a release that needs isolation sets bridge.
      return "host";
    }
    String mode = value.toString();
    if (mode.equals("host") || mode.equals("bridge") || mode.equals("none")) {
      return mode;
    }
    if (mode.startsWith("service:")) {
      return "container:" + names.container(mode.substring("service:".length()));
    }
    throw new IllegalArgumentException(
        "Service "
            + service
            + " has network_mode '"
            + mode
            + "': use host, bridge, none or service:NAME");
  }

  private static String restart(String service, Object value) {
    if (value == null) {
      return "always";
    }
    String policy = value.toString();
    if (policy.matches("no|always|unless-stopped|on-failure(:[0-9]{1,4})?")) {
      return policy;
    }
    throw new IllegalArgumentException(
        "Service "
            + service
            + " has restart '"
            + policy
            + "': use no, always, unless-stopped or on-failure[:N]");
  }

  private static boolean flag(String service, String key, Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean bool) {
      return bool;
    }
    throw new IllegalArgumentException(
        "Service " + service + " has " + key + " '" + value + "': use true or false");
  }

  private static List<String> ports(String service, Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(
          "Service " + service + " has ports '" + value + "': write them as a list");
    }
    List<String> ports = new ArrayList<>();
    for (Object entry : list) {
      String port = entry.toString();
      if (!port.matches("(([0-9.]+|\\[[0-9a-fA-F:]+\\]):)?([0-9]{1,5}:)?[0-9]{1,5}(/(tcp|udp))?")) {
        throw new IllegalArgumentException(
            "Service "
                + service
                + " has port '"
                + port
                + "': write [IP:]HOST:CONTAINER[/udp] or CONTAINER");
      }
      ports.add(port);
    }
    return ports;
  }
}
