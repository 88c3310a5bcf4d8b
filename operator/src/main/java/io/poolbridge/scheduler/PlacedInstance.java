package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Resources;
import java.util.Objects;

/**
 * An instance that already runs on a node: counted by its workload's constraints and, if
 * preemptible or revocable, a possible victim of preemption.
 *
 * @param agent the node, with the attributes constraints read
 * @param revocable whether it runs on revocable (borrowed) capacity
 */
public record PlacedInstance(
    String instanceId,
    String workloadKey,
    String frameworkId,
    AgentInfo agent,
    Resources resources,
    int priority,
    boolean preemptible,
    boolean revocable) {
  public PlacedInstance {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(workloadKey, "workloadKey");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(resources, "resources");
  }
}
