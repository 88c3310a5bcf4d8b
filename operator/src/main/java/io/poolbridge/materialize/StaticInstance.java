package io.poolbridge.materialize;

import io.poolbridge.estate.PoolNode;
import java.util.Objects;

/**
 * An instance placed on a static machine (no kubelet): listed in its Workload's EndpointSlices at
 * the machine's address from the pool's static inventory.
 *
 * @param instanceId the instance's cluster-wide id, {@code <namespace>/<workload>-<ordinal>}
 * @param node the machine as the pool lists it (name, address, zone, ready)
 */
public record StaticInstance(String instanceId, PoolNode node) {
  public StaticInstance {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(node, "node");
  }

  /** The instance's name within its namespace, {@code web-0}. */
  public String name() {
    return instanceId.substring(instanceId.indexOf('/') + 1);
  }

  /** The ordinal of the instance ({@code 12} for {@code web-12}); -1 when the id has none. */
  int ordinal() {
    int dash = instanceId.lastIndexOf('-');
    try {
      return Integer.parseInt(instanceId.substring(dash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
