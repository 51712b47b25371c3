package io.slipway.builder.plan;

import io.slipway.builder.project.ServiceSpec;

/**
 * Renders a {@link BuildPlan} as text for {@code slipway build --dry-run}: for every service and
 * device type, the engine, the Dockerfile it came from and the resolved Dockerfile with line
 * numbers. Services that only name an image are listed as such. Stateless.
 */
public final class DryRun {

  private DryRun() {}

  /** Returns the plan as text, one block per service and device type, ending with a line break. */
  public static String render(BuildPlan plan) {
    StringBuilder out = new StringBuilder();
    out.append("Project ")
        .append(plan.project().root())
        .append(" (")
        .append(plan.project().file())
        .append(")\n");
    for (ServiceSpec service : plan.project().services()) {
      if (!service.isBuilt()) {
        out.append("\nService ")
            .append(service.name())
            .append(": image ")
            .append(service.image())
            .append(", not built\n");
        continue;
      }
      for (Partition partition : plan.partitions(service.name())) {
        for (BuildTarget target : partition.targets()) {
          renderPartition(out, partition, target);
        }
      }
    }
    return out.toString();
  }

  private static void renderPartition(StringBuilder out, Partition partition, BuildTarget target) {
    out.append("\nService ")
        .append(partition.service())
        .append(", device type ")
        .append(target.deviceType())
        .append(" (")
        .append(target.architecture())
        .append(", ")
        .append(partition.platform())
        .append(")\n");
    out.append("  engine: ").append(partition.engine()).append('\n');
    out.append("  dockerfile: ").append(partition.dockerfile()).append('\n');
    if (partition.target() != null) {
      out.append("  target: ").append(partition.target()).append('\n');
    }
    if (!partition.buildArgs().isEmpty()) {
      // Only names: build arguments sometimes carry credentials.
      out.append("  build args: ")
          .append(String.join(", ", partition.buildArgs().keySet()))
          .append('\n');
    }
    String[] lines = partition.dockerfileText().split("\n", -1);
    int count = lines.length;
    if (count > 0 && lines[count - 1].isEmpty()) {
      count--;
    }
    int width = Integer.toString(Math.max(count, 1)).length();
    for (int i = 0; i < count; i++) {
      out.append("  ")
          .append(String.format("%" + width + "d", i + 1))
          .append(" | ")
          .append(lines[i].stripTrailing())
          .append('\n');
    }
  }
}
