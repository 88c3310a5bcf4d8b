package io.poolbridge.allocator;

import java.util.Map;

/**
 * An instance the allocator accounts for: launched from an accepted offer, or restored from the
 * record (Workload status) after a restart.
 *
 * @param resources everything the instance holds
 * @param reserved the part of {@code resources} taken from the agent's static reservations, by
 *     reservation role (the rest is unreserved); empty when it took none, {@code null} when not
 *     known. Recording it lets {@link Allocator#restore} rebuild the allocator exactly; when it is
 *     not known, restore works it out.
 */
public record Placement(
    String instanceId,
    String frameworkId,
    String agentId,
    String pool,
    Resources resources,
    boolean revocable,
    int priority,
    Map<String, Resources> reserved) {

  public Placement {
    reserved = reserved == null ? null : Map.copyOf(reserved);
  }

  /** A placement whose reservation split is not known. */
  public Placement(
      String instanceId, String frameworkId, String agentId, String pool, Resources resources, boolean revocable,
      int priority) {
    this(instanceId, frameworkId, agentId, pool, resources, revocable, priority, null);
  }
}
