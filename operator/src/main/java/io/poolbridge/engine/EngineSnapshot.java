package io.poolbridge.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Unplaced;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the engine knew at the end of a tick, for status writers: immutable, so other threads read
 * it while the engine goes on. Maps keep the engine's order (workloads as submitted, frameworks
 * and pools by name).
 */
public record EngineSnapshot(
    long round, Instant at, boolean settled, Map<String, WorkloadView> workloads,
    Map<String, FrameworkView> frameworks, Map<String, PoolView> pools) {

  public EngineSnapshot {
    // The engine's views are immutable and shared between snapshots already; others are copied.
    workloads = workloads instanceof WorkloadViews ? workloads
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(workloads));
    frameworks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(frameworks));
    pools = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(pools));
  }

  static final EngineSnapshot EMPTY = new EngineSnapshot(0, Instant.EPOCH, false, Map.of(), Map.of(), Map.of());

  /**
   * One placed instance.
   *
   * @param reserved the part of its resources taken from the node's reservations, by role (what
   *     the operator records so that {@link Engine#restore} is exact)
   * @param committed whether the operator has recorded it ({@link Engine#commit})
   */
  public record Placed(Assignment assignment, Map<String, Resources> reserved, boolean committed) {
    public Placed {
      reserved = reserved == null ? Map.of() : Map.copyOf(reserved);
    }
  }

  /**
   * A workload: its placed instances, in instance order, its pending ones with the reason each
   * waits, the history of those that have one (held back instances are in neither list: backing off
   * before a restart, or done), and, for a Job, where it stands. {@code draining}: the placed
   * instances on a node drained ahead of a maintenance window, with what a status says of each (a
   * Service's instance whose replacement is not placed yet is listed where it still runs). {@code
   * runs}: a Job's runs by lane (lane 0 its only one unless runs overlap under concurrency policy
   * Allow); {@code job} is the one its status shows (the newest going on, else the newest).
   */
  public record WorkloadView(
      String key, String frameworkId, int instances, List<Placed> placed, List<Unplaced> pending, Map<String, InstanceLife> lives,
      JobLife job, Map<String, String> draining, Map<Integer, JobLife> runs) {
    public WorkloadView {
      runs = runs == null || runs.isEmpty() ? (job == null ? Map.of() : Map.of(0, job))
          : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(runs));
      draining = draining == null || draining.isEmpty() ? Map.of()
          : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(draining));
      placed = List.copyOf(placed);
      pending = List.copyOf(pending);
      lives = lives == null || lives.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lives));
    }

    /** A workload whose Job (if it is one) runs one run at a time. */
    public WorkloadView(
        String key, String frameworkId, int instances, List<Placed> placed, List<Unplaced> pending, Map<String, InstanceLife> lives,
        JobLife job, Map<String, String> draining) {
      this(key, frameworkId, instances, placed, pending, lives, job, draining, null);
    }

    /** A workload with nothing draining. */
    public WorkloadView(
        String key, String frameworkId, int instances, List<Placed> placed, List<Unplaced> pending, Map<String, InstanceLife> lives,
        JobLife job) {
      this(key, frameworkId, instances, placed, pending, lives, job, Map.of());
    }

    /** A workload without history. */
    public WorkloadView(String key, String frameworkId, int instances, List<Placed> placed, List<Unplaced> pending) {
      this(key, frameworkId, instances, placed, pending, Map.of(), null);
    }

    /** The history of {@code instanceId}: {@link InstanceLife#NEW} when it has none. */
    public InstanceLife life(String instanceId) {
      return lives.getOrDefault(instanceId, InstanceLife.NEW);
    }
  }

  /**
   * A framework.
   *
   * @param share its dominant share
   * @param weightedShare its dominant share divided by its role's weight
   * @param guaranteeShortfall what its role's guarantee is still short of (empty when met or none)
   * @param pendingInstances instances of its workloads not placed
   * @param outstandingOffers offers it holds and has not answered
   * @param placed what its placed instances hold
   */
  public record FrameworkView(
      String id, String role, double share, double weightedShare, boolean guaranteeMet, Resources guaranteeShortfall,
      int pendingInstances, int outstandingOffers, Resources placed) {}

  /**
   * A pool.
   *
   * @param capacity every node's capacity
   * @param placed what placed instances use
   * @param available what is free on the nodes that take new work ({@code ACTIVE})
   * @param agents every node of the pool, by agent id (an immutable list that later snapshots share
   *     while no agent of the pool and no placement on one changes)
   */
  public record PoolView(
      String name, int nodes, int activeNodes, Resources capacity, Resources placed, Resources available, List<NodeView> agents) {}

  /**
   * One node of a pool.
   *
   * @param agent the agent as the engine knows it: id, attributes, capacity ({@link AgentInfo#total})
   * @param placed what the instances placed on it use (a whole-node lease uses all of it)
   * @param available what is free on it if it takes new work ({@code ACTIVE}); nothing otherwise
   * @param state its state as the allocator knows it
   * @param leasedTo the framework that leases it whole (a {@code NODE_LEASE} workload's instance
   *     runs on it), or {@code null}
   */
  public record NodeView(AgentInfo agent, Resources placed, Resources available, AgentState state, String leasedTo) {
    /** The agent's id. */
    public String id() {
      return agent.id();
    }

    /** The node's name: the agent id without its {@code <pool>/} prefix (see {@link AgentInfo#id}). */
    public String node() {
      String prefix = agent.pool() + "/";
      return agent.id().startsWith(prefix) ? agent.id().substring(prefix.length()) : agent.id();
    }

    public Resources capacity() {
      return agent.total();
    }
  }
}
