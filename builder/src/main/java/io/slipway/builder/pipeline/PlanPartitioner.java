package io.slipway.builder.pipeline;

import io.slipway.builder.plan.Partition;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Splits the build step into one partition per service and platform of the plan. Named by {@link
 * Partition#name()}, so a restarted job finds the partitions that already completed. One instance
 * per build step execution, used by one thread.
 */
final class PlanPartitioner implements Partitioner {

  private final ReleaseState state;

  PlanPartitioner(ReleaseState state) {
    this.state = state;
  }

  @Override
  public Map<String, ExecutionContext> partition(int gridSize) {
    Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
    for (Partition partition : state.plan().partitions()) {
      ExecutionContext context = new ExecutionContext();
      context.putString(ReleaseState.SERVICE, partition.service());
      context.putString(ReleaseState.PLATFORM, partition.platform().toString());
      partitions.put(partition.name(), context);
    }
    return partitions;
  }
}
