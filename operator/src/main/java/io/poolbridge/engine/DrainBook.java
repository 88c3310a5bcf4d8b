package io.poolbridge.engine;

import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.Assignment;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maintenance windows as the engine knows them, and the instances drained ahead of one (Mesos'
 * inverse offers): make-before-break for Services.
 *
 * <p>From a window's {@code drainBefore} on, its node is {@link AgentState#DRAINING}: no new offers.
 * A Service's instance there keeps running but its placement moves to a <em>drain slot</em>: the
 * allocator accounts the old placement under the id {@code <instance>}{@link #SLOT_SUFFIX} (so the
 * node's capacity stays taken and no node is ever over-committed), while the instance itself is
 * pending again under its own id and is placed elsewhere as any pending instance. The old
 * placement is stopped ({@link StopReason#DRAINED}) once the replacement is committed, or when the
 * window starts, whichever comes first. The engine keeps one placement per instance id; the slot is
 * the second, short-lived one.
 *
 * <p>Jobs' instances, node leases and gangs are not moved ahead: they run on, and are stopped when
 * the window starts (a Job's instance is then placed again without counting as a failure).
 */
final class DrainBook {
  /** Appended to an instance id to name its drain slot in the allocator (instance ids hold no '#'). */
  static final String SLOT_SUFFIX = "#draining";

  /** A window bearing on an agent: drained ahead of ({@code DRAINING}) or open ({@code MAINTENANCE}). */
  record Window(AgentState state, Instant start, String reason) {}

  /** A Service's old placement, kept running under {@code slotId} while its replacement is placed. */
  record Slot(String instanceId, String slotId, Assignment old, Map<String, Resources> reserved, String frameworkId, Instant start,
      String reason) {
    String agentId() {
      return old.agentId();
    }
  }

  private final Map<String, Window> windows = new HashMap<>();
  private final Map<String, Slot> slots = new LinkedHashMap<>();

  void setWindow(String agentId, Window w) {
    windows.put(agentId, w);
  }

  Window window(String agentId) {
    return windows.get(agentId);
  }

  Window forgetWindow(String agentId) {
    return windows.remove(agentId);
  }

  /** Whether the agent is drained ahead of a window (not open yet). */
  boolean drainingAhead(String agentId) {
    Window w = windows.get(agentId);
    return w != null && w.state() == AgentState.DRAINING;
  }

  void addSlot(Slot s) {
    slots.put(s.instanceId(), s);
  }

  Slot slot(String instanceId) {
    return slots.get(instanceId);
  }

  Slot removeSlot(String instanceId) {
    return slots.remove(instanceId);
  }

  boolean isSlotId(String id) {
    return id.endsWith(SLOT_SUFFIX);
  }

  /** Every slot, a copy. */
  List<Slot> slots() {
    return List.copyOf(slots.values());
  }

  /** The slots on an agent, a copy. */
  List<Slot> slotsOn(String agentId) {
    return slots.values().stream().filter(s -> s.agentId().equals(agentId)).toList();
  }

  /** {@code pool/node} as {@code node}. */
  static String node(String agentId) {
    return agentId.substring(agentId.indexOf('/') + 1);
  }

  /** What a status says of an instance on a node drained ahead of {@code w}. */
  static String drainingNote(String agentId, Window w, boolean moving) {
    return "draining: node " + node(agentId) + " has a maintenance window at " + w.start() + " (" + w.reason() + "); "
        + (moving ? "a replacement is placed elsewhere first" : "it runs until the window starts");
  }

  /** The message of an instance moved off a node whose window opened. */
  static String openedMessage(String agentId, Window w) {
    return "moved off " + node(agentId) + ": its maintenance window (" + w.reason() + ") started at " + w.start();
  }
}
