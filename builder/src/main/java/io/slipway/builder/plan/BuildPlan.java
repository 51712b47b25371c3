package io.slipway.builder.plan;

import io.slipway.builder.platform.Platform;
import io.slipway.builder.project.Project;
import io.slipway.builder.project.ServiceSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The build work of one release: the project and one {@link Partition} per built service and
 * distinct platform, in service order then platform order. Produced by {@link Planner} after
 * preflight, so a plan's inputs are known to be valid. Immutable.
 *
 * @param project the loaded project, with every service's configuration
 * @param targets the device types the release is built for
 * @param partitions the build work
 */
public record BuildPlan(Project project, List<BuildTarget> targets, List<Partition> partitions) {

  /**
   * @throws IllegalArgumentException when two partitions have the same service and platform
   */
  public BuildPlan {
    Objects.requireNonNull(project, "project");
    targets = List.copyOf(targets);
    partitions = List.copyOf(partitions);
    long distinct = partitions.stream().map(Partition::name).distinct().count();
    if (distinct != partitions.size()) {
      throw new IllegalArgumentException("Build plan has two partitions with the same name");
    }
  }

  /** Returns the partitions of {@code service}, in platform order. */
  public List<Partition> partitions(String service) {
    return partitions.stream().filter(p -> p.service().equals(service)).toList();
  }

  /** Returns the partition of {@code service} for {@code platform}, if the plan has it. */
  public Optional<Partition> partition(String service, Platform platform) {
    return partitions.stream()
        .filter(p -> p.service().equals(service) && p.platform().equals(platform))
        .findFirst();
  }

  /** Returns the services built from source, in project order. */
  public List<ServiceSpec> builtServices() {
    return project.services().stream().filter(ServiceSpec::isBuilt).toList();
  }
}
