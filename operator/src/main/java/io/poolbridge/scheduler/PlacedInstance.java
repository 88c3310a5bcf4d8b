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
 * @param gang whether its workload is a gang: its instances are stopped together
 */
public record PlacedInstance(
    String instanceId,
    String workloadKey,
    String frameworkId,
    AgentInfo agent,
    Resources resources,
    int priority,
    boolean preemptible,
    boolean revocable,
    boolean gang) {
  public PlacedInstance {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(workloadKey, "workloadKey");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(resources, "resources");
  }

  /** An instance of {@code workload} running on {@code agent} with {@code resources}. */
  public static PlacedInstance of(WorkloadDemand workload, String instanceId, AgentInfo agent, Resources resources, boolean revocable) {
    return new PlacedInstance(
        instanceId, workload.key(), workload.frameworkId(), agent, resources, workload.priority(), workload.preemptible(),
        revocable, workload.gang());
  }
}
