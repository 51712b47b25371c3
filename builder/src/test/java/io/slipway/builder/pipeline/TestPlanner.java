package io.slipway.builder.pipeline;

import io.slipway.builder.plan.BaseImageResolver;
import io.slipway.builder.plan.BuildPlan;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.plan.Partition;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.project.Project;
import io.slipway.builder.project.ServiceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A planner for pipeline tests: loads the project with {@link Project#load} and plans one {@code
 * jib} partition per built service and distinct platform, each from the context's {@code
 * Dockerfile} as it is, with a cache key over the service, platform and Dockerfile text.
 */
final class TestPlanner implements ReleasePlanner {

  @Override
  public BuildPlan plan(BuildOrder order, BaseImageResolver baseImages) {
    Project project = Project.load(order.source());
    List<Partition> partitions = new ArrayList<>();
    for (ServiceSpec service : project.services()) {
      if (!service.isBuilt()) {
        continue;
      }
      Path context = project.root().resolve(service.context()).normalize();
      String text = read(context.resolve("Dockerfile"));
      for (Map.Entry<Platform, List<BuildTarget>> entry : byPlatform(order.targets()).entrySet()) {
        String key = FakeRegistry.sha256(service.name() + "\n" + entry.getKey() + "\n" + text);
        partitions.add(
            new Partition(
                service.name(),
                entry.getKey(),
                entry.getValue(),
                text,
                "jib",
                context,
                "Dockerfile",
                service.buildArgs(),
                service.target(),
                Map.of(),
                key));
      }
    }
    return new BuildPlan(project, order.targets(), partitions);
  }

  private static Map<Platform, List<BuildTarget>> byPlatform(List<BuildTarget> targets) {
    Map<Platform, List<BuildTarget>> groups = new LinkedHashMap<>();
    for (BuildTarget target : targets) {
      groups.computeIfAbsent(target.platform(), p -> new ArrayList<>()).add(target);
    }
    return groups;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
