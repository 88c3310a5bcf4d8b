package io.poolbridge.engine;

import io.poolbridge.allocator.Resources;
import java.util.Map;
import java.util.Objects;

/**
 * A placement as the operator records it in a Workload's status, to {@link Engine#restore} the
 * engine from after a restart.
 *
 * @param reserved the part of {@code resources} taken from the node's static reservations, by
 *     reservation role; {@code null} when not recorded (the allocator works it out)
 */
public record RecordedPlacement(
    String instanceId, String workloadKey, String agentId, Resources resources, boolean revocable,
    Map<String, Resources> reserved) {
  public RecordedPlacement {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(workloadKey, "workloadKey");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(resources, "resources");
    reserved = reserved == null ? null : Map.copyOf(reserved);
  }
}
