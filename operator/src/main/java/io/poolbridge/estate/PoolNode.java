package io.poolbridge.estate;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * One node of a pool as discovered: from a static inventory, from a Kubernetes Node, or listed for
 * a simulation.
 *
 * @param labels the node's own attributes (static) or labels (Kubernetes)
 * @param ready whether it is healthy (a Kubernetes node's Ready condition; static nodes are ready)
 */
public record PoolNode(
    String name, String address, String zone, Map<String, Quantity> capacity, Map<String, String> labels, boolean ready) {

  public PoolNode {
    capacity = capacity == null ? Map.of() : Map.copyOf(capacity);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
