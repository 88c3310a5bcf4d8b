package io.poolbridge.allocator;

import java.util.Map;
import java.util.Objects;

/**
 * An agent: one node of a pool, as the allocator sees it.
 *
 * @param id unique node identifier (the operator uses {@code <pool>/<node>})
 * @param pool the pool the node belongs to
 * @param attributes attributes matched by placement constraints (hostname, zone, provider, ...)
 * @param total the node's capacity
 * @param reservations static reservations: capacity on this node offered only to a role and its
 *     descendants; their sum must fit in {@code total}
 */
public record AgentInfo(
    String id, String pool, Map<String, String> attributes, Resources total, Map<String, Resources> reservations) {

  public AgentInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(total, "total");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    reservations = reservations == null ? Map.of() : Map.copyOf(reservations);
    Resources reserved = Resources.none(total.schema());
    for (var e : reservations.entrySet()) {
      RolePaths.requireValid(e.getKey());
      reserved = reserved.plus(e.getValue());
    }
    if (!reserved.fitsIn(total)) {
      throw new IllegalArgumentException(
          "reservations " + reserved + " of agent " + id + " exceed its capacity " + total);
    }
  }

  /** An agent with no attributes and no reservations. */
  public static AgentInfo of(String id, String pool, Resources total) {
    return new AgentInfo(id, pool, Map.of(), total, Map.of());
  }
}
