package io.poolbridge.allocator;

/** What an agent is doing, as far as offers go. */
public enum AgentState {
  /** Offered as usual. */
  ACTIVE,
  /** A maintenance window is about to open: no new offers; its placements must move. */
  DRAINING,
  /** Under maintenance: no offers; placements still there must move. */
  MAINTENANCE,
  /** Unhealthy or unreachable: no offers; its placements are reported as needing to move. */
  DOWN
}
