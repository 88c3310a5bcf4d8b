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
