package io.poolbridge.allocator;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One shape of a framework's pending demand: what one pending instance needs (for a node lease,
 * the smallest node it accepts), and the agents it may run on at all.
 *
 * <p>The allocator offers a framework an agent only when the offer holds a shape whose agents
 * include that agent: capacity none of the pending demand can use goes to the next framework
 * instead of being offered, declined and filtered (while it counts against the framework's limit)
 * cycle after cycle. The caller decides what "may run on" means; the framework scheduler passes its
 * placement constraints that do not depend on counts (a required attribute value, a pattern).
 *
 * @param resources what one instance needs
 * @param agents the agents the instance may run on; {@code null} for any. It must depend only on
 *     the agent (its id, pool and attributes), and be cheap or remembered: it is asked for every
 *     agent a cycle considers for the framework
 */
public record DemandShape(Resources resources, Predicate<AgentInfo> agents) {
  public DemandShape {
    Objects.requireNonNull(resources, "resources");
  }

  /** A shape that may run on any agent. */
  public static DemandShape anywhere(Resources resources) {
    return new DemandShape(resources, null);
  }

  public boolean allows(AgentInfo agent) {
    return agents == null || agents.test(agent);
  }
}
