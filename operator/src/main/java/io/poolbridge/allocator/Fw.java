package io.poolbridge.allocator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A framework as the allocator keeps it: its role, filters, suppression and pending demand. */
final class Fw {
  FrameworkInfo info;
  final Role role;
  long[] min;
  /** How long its offers may stay unanswered, in millis (its own timeout or the allocator's default). */
  long offerTimeoutMillis;
  /** Filtered agents (by index) and when each filter ends. */
  final Map<Integer, Long> filters = new HashMap<>();
  boolean suppressed;
  /** How many outstanding offers it may hold at once ({@link Allocator#limitOffers}). */
  int maxOffers = Integer.MAX_VALUE;
  /** How many outstanding offers it holds. */
  int outstanding;
  long[] demand;
  /**
   * The shapes of its pending demand, minimal ones only (a shape that holds another is left out),
   * or null when unknown; empty when it wants nothing.
   */
  long[][] shapes;
  /** The agents each of {@link #shapes} may run on, by the shape's index; {@code null} entries: any. */
  DemandShape[] shapeAgents;

  Fw(FrameworkInfo info, Role role, Duration defaultOfferTimeout) {
    this.role = role;
    update(info, defaultOfferTimeout);
  }

  /** Takes on {@code info}'s offer settings (same id and role). */
  void update(FrameworkInfo info, Duration defaultOfferTimeout) {
    this.info = info;
    this.offerTimeoutMillis = (info.offerTimeout() == null ? defaultOfferTimeout : info.offerTimeout()).toMillis();
    this.min = info.minAllocatable() == null ? null : info.minAllocatable().toArray();
  }

  /** Grows every vector to {@code schema} (zeros for the new resources). */
  void widen(ResourceSchema schema) {
    int size = schema.size();
    if (info.minAllocatable() != null) {
      info = new FrameworkInfo(info.id(), info.role(), info.revocable(), info.refuse(),
          info.minAllocatable().widen(schema), info.offerTimeout());
    }
    min = Vec.widen(min, size);
    demand = Vec.widen(demand, size);
    if (shapes != null) {
      long[][] wider = new long[shapes.length][];
      for (int i = 0; i < shapes.length; i++) {
        wider[i] = Vec.widen(shapes[i], size);
      }
      shapes = wider;
    }
    if (shapeAgents != null) {
      DemandShape[] wider = new DemandShape[shapeAgents.length];
      for (int i = 0; i < shapeAgents.length; i++) {
        wider[i] = new DemandShape(shapeAgents[i].resources().widen(schema), shapeAgents[i].agents());
      }
      shapeAgents = wider;
    }
  }

  /** Whether it holds as many outstanding offers as it may. */
  boolean offersFull() {
    return outstanding >= maxOffers;
  }

  boolean filtered(int agentIdx, long now) {
    if (filters.isEmpty()) {
      // The usual case, checked for every framework an agent is offered to: no boxing, no hashing.
      return false;
    }
    Long expiry = filters.get(agentIdx);
    if (expiry == null) {
      return false;
    }
    if (expiry <= now) {
      filters.remove(agentIdx);
      return false;
    }
    return true;
  }
}
