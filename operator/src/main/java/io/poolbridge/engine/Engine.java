package io.poolbridge.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentRemoval;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.AllocatorConfig;
import io.poolbridge.allocator.CycleResult;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.OfferCounts;
import io.poolbridge.allocator.Placement;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.allocator.Revocation;
import io.poolbridge.engine.Ledger.Running;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Decisions;
import io.poolbridge.scheduler.Feasibility;
import io.poolbridge.scheduler.FrameworkScheduler;
import io.poolbridge.scheduler.NodeOffer;
import io.poolbridge.scheduler.OfferDecision;
import io.poolbridge.scheduler.PlacedInstance;
import io.poolbridge.scheduler.Preemption;
import io.poolbridge.scheduler.Preemption.Eviction;
import io.poolbridge.scheduler.Preemption.Plan;
import io.poolbridge.scheduler.Preemption.Preemptor;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.SchedulingRequest;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The allocation engine: both levels together, driven by events, single writer. It owns a {@link
 * HierarchicalAllocator} (level 1), a {@link FrameworkScheduler} (level 2) and the demand of every
 * workload, and answers each {@link #tick} with decisions. The operator's allocation loop and
 * {@code simulate} (through {@link Simulation}) drive the same code.
 *
 * <p>Events (agents, frameworks, roles, workloads, commits) change its state at once and mark what
 * the next tick must look at; the cycles run in {@link #tick}. A tick:
 *
 * <ol>
 *   <li>tells the allocator the pending demand of the frameworks whose demand changed or is
 *       unmet ({@code updateDemandShapes}); suppresses a framework with nothing pending, and
 *       revives one that has new pending instances (or was {@link #revive revived}), which also
 *       clears its filters;
 *   <li>runs an allocation cycle; revocable placements it takes back, and placements on agents
 *       that left {@code ACTIVE}, are stopped and their instances wait to be placed again;
 *   <li>gives every framework with offers or pending instances its offers; accepts what its
 *       scheduler launches and declines the rest (with the framework's refuse filter);
 *   <li>when nothing changed for long enough that every refuse filter has expired and the capacity
 *       behind it was offered again ({@code ceil(refuse / interval) + 1} ticks), plans preemptions
 *       for the instances still pending; if it plans none, the estate is <em>settled</em>.
 * </ol>
 *
 * <p>Once settled, ticks are idle (they do nothing) until the next event. Stopping one instance of
 * a gang, for any reason, stops the whole gang, which is then placed again all at once.
 *
 * <p>Not thread-safe except {@link #snapshot()}, which any thread may read.
 */
public final class Engine {
  private final Duration interval;
  private final ManualClock clock = new ManualClock();
  private final HierarchicalAllocator allocator;
  private final FrameworkScheduler scheduler;
  private final Prices prices;
  private final Feasibility feasibility = new Feasibility();
  private final Map<String, AgentInfo> agents = new LinkedHashMap<>();
  private final Map<String, FrameworkInfo> frameworks = new TreeMap<>();
  private final Map<String, Quota> quotas = new HashMap<>();
  /** The workloads and where each instance runs. */
  private final Ledger ledger = new Ledger();
  /** What each framework may still take: limits, free capacity, reservations. */
  private final Room room;
  /** What the allocator was told of each framework's demand, and what it must be told next. */
  private final DemandBook demand;
  /** Why each pending instance waits, and which ones room was made for. */
  private final WaitBook waits;
  /** Gang workloads holding the offers they gathered: for how many ticks in a row. */
  private final GangHolds holds = new GangHolds();
  /** Restarts, back-offs, Jobs' completions and failures. */
  private final LifeBook lives = new LifeBook();
  /** Maintenance windows, and the Services' instances drained ahead of one (see {@link DrainBook}). */
  private final DrainBook drains = new DrainBook();

  // Decisions since the last tick.
  private final List<Assignment> placed = new ArrayList<>();
  private final List<Stopped> stopped = new ArrayList<>();
  private final List<Offer> rescinded = new ArrayList<>();
  /** The allocator's offer counts at the last tick: a tick reports those since. */
  private OfferCounts offersAtLastTick = OfferCounts.ZERO;

  /** The snapshot, built from what changed. */
  private final SnapshotBook snapshots;

  private long round;
  /** The schema size the engine's vectors have. */
  private int width;
  private int quiet;
  private boolean settled;
  private boolean changed;

  /**
   * @param prices per-pool prices the schedulers prefer the cheapest of
   * @param interval the allocation interval: the time between periodic ticks, by which refuse
   *     filters and gang holds are counted in ticks
   * @param seed the allocator's seed (agent visiting order)
   * @param start the engine's time until the first tick
   */
  public Engine(ResourceSchema schema, Prices prices, Duration interval, long seed, Instant start) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the allocation interval must be positive: " + interval);
    }
    this.interval = interval;
    clock.moveTo(start);
    this.allocator = new HierarchicalAllocator(schema, new AllocatorConfig(clock, interval, seed));
    this.scheduler = new FrameworkScheduler(prices);
    this.prices = prices;
    this.width = schema.size();
    this.waits = new WaitBook(allocator, ledger, frameworks, agents, feasibility);
    this.room = new Room(allocator, frameworks, quotas, agents, feasibility, ledger);
    this.demand = new DemandBook(allocator, ledger, frameworks, agents, feasibility);
    this.snapshots = new SnapshotBook(allocator, ledger, frameworks, agents, waits, lives);
    snapshots.drains(drains);
  }

  /** The allocator, to read (shares, usage, placements); change it through the engine's events only. */
  public HierarchicalAllocator allocator() {
    return allocator;
  }

  public ResourceSchema schema() {
    return allocator.schema();
  }

  /** The snapshot published at the end of the last tick that did work; safe to read from any thread. */
  public EngineSnapshot snapshot() {
    return snapshots.current();
  }

  /** Whether the last tick left the estate settled (and no event came since). */
  public boolean settled() {
    return settled;
  }

  // ---------------------------------------------------------------------------------------------
  // Events: agents

  /** An agent joins, in state {@code ACTIVE}. */
  public void addAgent(AgentInfo agent) {
    allocator.addAgent(agent);
    afterSchemaChange();
    agent = Vectors.widen(agent, allocator.schema());
    agents.put(agent.id(), agent);
    snapshots.addPool(agent.pool());
    snapshots.agentChanged(agent.id());
    unsettle();
  }

  /** An agent changes state; leaving {@code ACTIVE} moves its instances off at the next tick. */
  public void setAgentState(String agentId, AgentState state) {
    requireAgent(agentId);
    leaveMaintenance(agentId, state);
    rescinded.addAll(allocator.setAgentState(agentId, state));
    snapshots.agentChanged(agentId);
    unsettle();
  }

  /** An agent leaves: its instances are lost (stopped, reason {@link StopReason#LOST}) and placed again elsewhere. */
  public void removeAgent(String agentId) {
    requireAgent(agentId);
    for (String id : ledger.runningIdsOnAgent(agentId)) {
      stop(id, StopReason.LOST, "lost: node " + agentId + " left its pool");
    }
    endSlotsOn(agentId, StopReason.LOST, "lost: node " + agentId + " left its pool");
    drains.forgetWindow(agentId);
    AgentRemoval removal = allocator.removeAgent(agentId);
    rescinded.addAll(removal.rescinded());
    AgentInfo gone = agents.remove(agentId);
    feasibility.forgetAgent(agentId);
    snapshots.removeAgent(gone.pool(), agentId);
    ledger.removeAgent(agentId);
    unsettle();
  }

  /**
   * An agent changes (capacity, attributes, reservations, pool) in place: the instances on it keep
   * running and keep counting (an agent shrunk below them has nothing free until they end); its
   * outstanding offers are rescinded. A new resource the agent has extends the schema.
   */
  public void updateAgent(AgentInfo agent) {
    AgentInfo old = agents.get(agent.id());
    if (old == null) {
      throw new IllegalArgumentException("unknown agent " + agent.id());
    }
    rescinded.addAll(allocator.updateAgent(agent));
    afterSchemaChange();
    agent = Vectors.widen(agent, allocator.schema());
    agents.put(agent.id(), agent);
    feasibility.forgetAgent(agent.id());
    if (!old.pool().equals(agent.pool())) {
      snapshots.removeAgent(old.pool(), agent.id());
      snapshots.addPool(agent.pool());
    }
    ledger.agentChanged(agent);
    snapshots.agentChanged(agent.id());
    unsettle();
  }

  private void requireAgent(String agentId) {
    if (!agents.containsKey(agentId)) {
      throw new IllegalArgumentException("unknown agent " + agentId);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Events: maintenance windows (see DrainBook)

  /**
   * A maintenance window bears on an agent: {@link AgentState#DRAINING} while it is drained ahead of
   * the window (no new offers; a Service's instance there is placed elsewhere first and its old
   * placement stopped once the replacement is committed, or at {@code windowStart}; other instances
   * run until then), {@link AgentState#MAINTENANCE} once it is open (no offers; what still runs there
   * is stopped and placed again elsewhere). {@link #setAgentState} ends it.
   */
  public void setMaintenance(String agentId, AgentState state, Instant windowStart, String reason) {
    requireAgent(agentId);
    if (state != AgentState.DRAINING && state != AgentState.MAINTENANCE) {
      throw new IllegalArgumentException("a maintenance window makes an agent DRAINING or MAINTENANCE, not " + state);
    }
    DrainBook.Window w = new DrainBook.Window(state, windowStart, reason);
    if (w.equals(drains.window(agentId)) && allocator.usage(agentId).state() == state) {
      return;
    }
    rescinded.addAll(allocator.setAgentState(agentId, state));
    drains.setWindow(agentId, w);
    snapshots.agentChanged(agentId);
    if (state == AgentState.DRAINING) {
      for (String id : ledger.runningIdsOnAgent(agentId)) {
        drainAhead(id, agentId, w);
      }
    } else {
      endSlotsOn(agentId, StopReason.DRAINED, "stopped: node " + DrainBook.node(agentId) + "'s maintenance window (" + reason
          + ") started at " + windowStart + " before a replacement could be placed; placed again where there is room");
    }
    unsettle();
  }

  /** Moves a Service's instance on an agent drained ahead of a window to a drain slot; it is pending again. */
  private void drainAhead(String instanceId, String agentId, DrainBook.Window w) {
    Running r = ledger.running(instanceId);
    String key = r.assignment().workloadKey();
    snapshots.workloadChanged(key);
    WorkloadDemand d = ledger.workload(key);
    if (d.kind() != io.poolbridge.scheduler.WorkloadKind.SERVICE || d.gang() || ledger.isUncommitted(instanceId)) {
      return;
    }
    Map<String, Resources> reserved = allocator.placementReservations(instanceId);
    release(instanceId);
    Assignment a = r.assignment();
    String slotId = instanceId + DrainBook.SLOT_SUFFIX;
    allocator.restore(new Placement(slotId, d.frameworkId(), agentId, a.pool(), a.resources(), a.revocable(), a.priority(), reserved));
    drains.addSlot(new DrainBook.Slot(instanceId, slotId, a, reserved, d.frameworkId(), w.start(), w.reason()));
    demand.reviveAtNextTick(d.frameworkId());
  }

  /** An agent's state set outright ends the window bearing on it, if any, and its drain slots. */
  private void leaveMaintenance(String agentId, AgentState state) {
    DrainBook.Window w = drains.forgetWindow(agentId);
    if (w == null) {
      return;
    }
    if (state == AgentState.ACTIVE) {
      // The window went away (or ended) before it opened: an instance not placed elsewhere yet stays.
      for (DrainBook.Slot s : drains.slotsOn(agentId)) {
        if (!ledger.isRunning(s.instanceId()) && ledger.workload(s.old().workloadKey()) != null
            && ledger.workload(s.old().workloadKey()).instanceIds().contains(s.instanceId())) {
          drains.removeSlot(s.instanceId());
          allocator.recover(s.slotId());
          allocator.restore(new Placement(s.instanceId(), s.frameworkId(), agentId, s.old().pool(), s.old().resources(),
              s.old().revocable(), s.old().priority(), s.reserved()));
          index(s.old(), ledger.workload(s.old().workloadKey()));
          ledger.commit(s.instanceId());
          waits.forget(s.instanceId());
        }
      }
    }
    endSlotsOn(agentId, StopReason.DRAINED, "moved off " + DrainBook.node(agentId) + " (" + state + ")");
    ledger.runningIdsOnAgent(agentId).forEach(id -> snapshots.workloadChanged(ledger.running(id).assignment().workloadKey()));
  }

  /** Stops a running instance (see {@link #stop}); while it waits to be placed again, its status says {@code why}. */
  private void stopAndSay(String instanceId, StopReason reason, String why) {
    Running r = ledger.running(instanceId);
    if (stop(instanceId, reason, why) && !ledger.isHeld(r.assignment().workloadKey(), instanceId)) {
      waits.stopped(instanceId, r.assignment().workloadKey(), why);
    }
  }

  /**
   * An instance drained ahead of a window, not placed elsewhere yet, ended where it ran: its old
   * placement is released ({@link StopReason#EXITED}); the instance is pending already and is placed
   * elsewhere when there is room. Whether it was such an instance.
   */
  private boolean drainedExited(String instanceId, Exit exit, String message) {
    DrainBook.Slot s = drains.slot(instanceId);
    if (s == null) {
      return false;
    }
    String said = message == null || message.isBlank() ? describe(exit) : message;
    endSlot(s, StopReason.EXITED, "ended while draining off " + DrainBook.node(s.agentId()) + " (" + said + "): placed elsewhere");
    unsettle();
    return true;
  }

  /** Stops the old placements drained off an agent. */
  private void endSlotsOn(String agentId, StopReason reason, String why) {
    for (DrainBook.Slot s : drains.slotsOn(agentId)) {
      endSlot(s, reason, why);
    }
  }

  /** Stops a drain slot's old placement: released in the allocator, reported stopped. */
  private void endSlot(DrainBook.Slot s, StopReason reason, String why) {
    drains.removeSlot(s.instanceId());
    allocator.recover(s.slotId());
    Assignment a = s.old();
    stopped.add(new Stopped(s.instanceId(), a.workloadKey(), s.frameworkId(), a.agentId(), a.resources(), reason, why));
    WorkloadDemand d = ledger.workload(a.workloadKey());
    if (reason == StopReason.DRAINED && !ledger.isRunning(s.instanceId()) && d != null && d.instanceIds().contains(s.instanceId())) {
      // Not placed elsewhere in time: it waits, and says why.
      waits.stopped(s.instanceId(), a.workloadKey(), why);
    }
    snapshots.workloadChanged(a.workloadKey());
    snapshots.agentChanged(a.agentId());
    snapshots.stale();
  }

  /**
   * Drain slots that are over: their replacement is committed, the window opened, or the instance
   * is no longer wanted.
   */
  private void drainsDue(Instant now) {
    for (DrainBook.Slot s : drains.slots()) {
      WorkloadDemand d = ledger.workload(s.old().workloadKey());
      String node = DrainBook.node(s.agentId());
      if (d == null || !d.instanceIds().contains(s.instanceId())) {
        endSlot(s, d == null ? StopReason.DELETED : StopReason.SCALED_DOWN, d == null ? "stopped: its workload was deleted"
            : "stopped: its workload no longer lists it");
      } else if (ledger.isRunning(s.instanceId()) && !ledger.isUncommitted(s.instanceId())) {
        endSlot(s, StopReason.DRAINED, "moved off " + node + " ahead of its maintenance window at " + s.start() + " ("
            + s.reason() + "): the replacement on " + DrainBook.node(ledger.running(s.instanceId()).assignment().agentId())
            + " is placed");
      } else if (!now.isBefore(s.start())) {
        String why = "stopped: node " + node + "'s maintenance window (" + s.reason() + ") started at "
            + s.start() + " before a replacement could be placed; placed again where there is room";
        endSlot(s, StopReason.DRAINED, why);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Events: frameworks and roles

  public void addFramework(FrameworkInfo framework) {
    allocator.addFramework(framework);
    frameworks.put(framework.id(), framework);
    ledger.addFramework(framework.id(), allocator.schema().size());
    demand.changed(framework.id());
    unsettle();
  }

  /**
   * A framework leaves: its workloads are deleted (their instances stopped, reason {@link
   * StopReason#DELETED}) and its offers rescinded.
   */
  public void removeFramework(String frameworkId) {
    if (!frameworks.containsKey(frameworkId)) {
      throw new IllegalArgumentException("unknown framework " + frameworkId);
    }
    for (String key : List.copyOf(ledger.workloadsOf(frameworkId))) {
      delete(key);
    }
    allocator.removeFramework(frameworkId);
    dropRoleIfUnused(frameworks.get(frameworkId).role(), frameworkId);
    frameworks.remove(frameworkId);
    ledger.removeFramework(frameworkId);
    demand.forgetFramework(frameworkId);
    unsettle();
  }

  /**
   * A framework's offer settings change (revocable, refuse, minimum allocatable, offer timeout):
   * its placements, shares and filters are kept; no longer taking revocable capacity rescinds its
   * revocable offers. A framework moving to another role has its instances stopped ({@link
   * StopReason#ROLE_CHANGED}) and placed again, accounted to the new role.
   */
  public void updateFramework(FrameworkInfo framework) {
    FrameworkInfo old = frameworks.get(framework.id());
    if (old == null) {
      throw new IllegalArgumentException("unknown framework " + framework.id());
    }
    if (framework.refuse().compareTo(old.refuse()) < 0) {
      // Filters set under the longer refuse stay until they expire: the quiet ticks wait for them.
      demand.refuseShortened(framework.id(), clock.instant().plus(old.refuse()));
    }
    if (old.role().equals(framework.role())) {
      rescinded.addAll(allocator.updateFramework(framework));
      afterSchemaChange();
    } else {
      for (String id : ledger.runningIdsOfFramework(framework.id())) {
        stop(id, StopReason.ROLE_CHANGED, "stopped: its framework moved from role " + old.role() + " to " + framework.role());
      }
      allocator.removeFramework(framework.id());
      dropRoleIfUnused(old.role(), framework.id());
      allocator.addFramework(framework);
      afterSchemaChange();
      demand.roleChanged(framework.id());
    }
    frameworks.put(framework.id(), framework);
    demand.changed(framework.id());
    unsettle();
  }

  /** Drops a role's weight and quota when no framework but {@code leaving} is in it. */
  private void dropRoleIfUnused(String role, String leaving) {
    boolean used = frameworks.values().stream().anyMatch(f -> !f.id().equals(leaving) && f.role().equals(role));
    if (!used) {
      allocator.removeRole(role);
      quotas.remove(role);
    }
  }

  /** A role's weight in fair sharing. */
  public void setWeight(String role, double weight) {
    allocator.setWeight(role, weight);
    unsettle();
  }

  /** A role's quota; its limit also names the reason of instances it holds back. */
  public void setQuota(String role, Quota quota) {
    rescinded.addAll(allocator.setQuota(role, quota));
    afterSchemaChange();
    quotas.put(role, quota);
    unsettle();
  }

  /**
   * Marks the framework for revival at the next tick (its filters cleared, a cycle over every
   * agent): what a framework does when it wants to be offered again.
   */
  public void revive(String frameworkId) {
    if (!frameworks.containsKey(frameworkId)) {
      throw new IllegalArgumentException("unknown framework " + frameworkId);
    }
    demand.reviveAtNextTick(frameworkId);
    unsettle();
  }

  // ---------------------------------------------------------------------------------------------
  // Events: workloads

  /**
   * A workload is added or changed. A new one has all its instances pending. A changed one keeps
   * its running instances that it still lists (they keep the resources they were placed with);
   * those it no longer lists are stopped ({@link StopReason#SCALED_DOWN}; for a gang, the whole
   * gang stops and is placed again). A workload moving to another framework is deleted and added.
   */
  public void upsert(WorkloadDemand workload) {
    if (!frameworks.containsKey(workload.frameworkId())) {
      throw new IllegalArgumentException("workload " + workload.key() + " uses unknown framework " + workload.frameworkId());
    }
    if (!workload.resources().schema().equals(allocator.schema())) {
      if (!allocator.schema().isPrefixOf(workload.resources().schema())) {
        throw new IllegalArgumentException("workload " + workload.key() + " has resources of schema " + workload.resources().schema()
            + ", which does not extend the engine's " + allocator.schema());
      }
      allocator.extendSchema(workload.resources().schema());
      afterSchemaChange();
    }
    workload = workload.widen(allocator.schema());
    WorkloadDemand old = ledger.workload(workload.key());
    if (old != null && !old.frameworkId().equals(workload.frameworkId())) {
      delete(workload.key());
      old = null;
    }
    String fw = workload.frameworkId();
    if (old == null) {
      ledger.addWorkload(workload);
      if (workload.kind() == io.poolbridge.scheduler.WorkloadKind.JOB && lives.job(workload.key()) == null) {
        lives.setJob(workload.key(), new JobLife(JobLife.Phase.RUNNING, clock.instant(), 0, 0, null, null, null));
      }
    } else {
      Set<String> kept = new HashSet<>(workload.instanceIds());
      for (String id : ledger.runningIdsOfWorkload(workload.key())) {
        if (!kept.contains(id)) {
          stop(id, StopReason.SCALED_DOWN, "stopped: its workload no longer lists it (scaled down, or a surge instance of a rollout released)");
        }
      }
      if ((old.gang() || workload.gang()) && !old.instanceIds().equals(workload.instanceIds())) {
        // A gang runs whole or not at all: resized, it is placed again whole.
        for (String id : ledger.runningIdsOfWorkload(workload.key())) {
          stopOne(id, StopReason.GANG, "stopped: its gang was resized to " + workload.instanceIds().size()
              + " and is placed again whole");
        }
      }
      Set<String> listed = new HashSet<>(workload.instanceIds());
      for (String id : old.instanceIds()) {
        if (!listed.contains(id) || old.kind() != workload.kind()) {
          lives.forgetInstance(workload.key(), id);
          ledger.unhold(workload.key(), id);
        }
      }
      if (old.kind() != workload.kind()) {
        lives.forgetWorkload(workload.key(), List.of());
        if (workload.kind() == io.poolbridge.scheduler.WorkloadKind.JOB) {
          lives.setJob(workload.key(), new JobLife(JobLife.Phase.RUNNING, clock.instant(), 0, 0, null, null, null));
        }
      }
      ledger.replaceWorkload(old, workload);
      if (workload.kind() == io.poolbridge.scheduler.WorkloadKind.JOB && lives.policy(workload.key()).runSize() > 0) {
        Set<String> before = new HashSet<>(old.instanceIds());
        Set<Integer> lanesListed = new HashSet<>();
        for (String id : workload.instanceIds()) {
          int lane = laneOf(workload.key(), id);
          lanesListed.add(lane);
          JobLife run = lives.job(workload.key(), lane);
          if (lane > 0 && !before.contains(id) && (run == null || !run.running())) {
            ledger.hold(workload.key(), id, true);
          }
        }
        for (Integer lane : List.copyOf(lives.runs(workload.key()).keySet())) {
          if (lane > 0 && !lanesListed.contains(lane)) {
            lives.forgetJob(workload.key(), lane);
          }
        }
      }
      if (old.kind() != workload.kind()) {
        // Whether its instances lease their nodes whole changed: the pools' node views show it.
        ledger.runningIdsOfWorkload(workload.key()).forEach(id -> snapshots.agentChanged(ledger.running(id).assignment().agentId()));
      }
      waits.dropUnlisted(workload);
      feasibility.forget(workload.key());
    }
    demand.changed(fw);
    snapshots.workloadChanged(workload.key());
    unsettle();
  }

  /** A workload is deleted: its running instances are stopped ({@link StopReason#DELETED}). */
  public void delete(String workloadKey) {
    if (ledger.workload(workloadKey) == null) {
      return;
    }
    for (String id : ledger.runningIdsOfWorkload(workloadKey)) {
      stopOne(id, StopReason.DELETED, "stopped: its workload was deleted");
    }
    WorkloadDemand d = ledger.removeWorkload(workloadKey);
    lives.forgetWorkload(workloadKey, d.instanceIds());
    d.instanceIds().forEach(waits::forget);
    holds.forget(workloadKey);
    demand.forgetWorkload(workloadKey);
    feasibility.forget(workloadKey);
    snapshots.forget(workloadKey);
    demand.changed(d.frameworkId());
    unsettle();
  }

  // ---------------------------------------------------------------------------------------------
  // Events: instances that end by themselves

  /**
   * A Job's retry settings (kept until the workload is deleted; {@link JobPolicy#DEFAULT} until set).
   */
  public void setJobPolicy(String workloadKey, JobPolicy policy) {
    lives.setPolicy(workloadKey, policy);
    JobLife job = lives.job(workloadKey);
    WorkloadDemand d = ledger.workload(workloadKey);
    if (d != null && policy.runSize() > 0) {
      // Instances of lanes above 0 wait for a run of their own lane.
      for (String id : d.instanceIds()) {
        int lane = laneOf(workloadKey, id);
        JobLife run = lives.job(workloadKey, lane);
        if (lane > 0 && (run == null || !run.running()) && !ledger.isRunning(id)) {
          ledger.hold(workloadKey, id, true);
        }
      }
      demand.changed(d.frameworkId());
    }
    if (policy.scheduled() && d != null && job != null && job.running() && ledger.runningIdsOfWorkload(workloadKey).isEmpty()
        && lives.lives(d.instanceIds()).isEmpty()) {
      // A scheduled Job that has not run yet waits for its first run.
      lives.setJob(workloadKey, new JobLife(JobLife.Phase.WAITING, null, 0, 0, null, null, null));
      d.instanceIds().forEach(id -> ledger.hold(workloadKey, id, true));
      demand.changed(d.frameworkId());
      snapshots.workloadChanged(workloadKey);
    }
    unsettle();
  }

  /**
   * Starts a run of a scheduled Job at {@code at}: its instances start afresh (no restarts, no
   * failures counted) and are placed; a run still going is stopped first ({@link
   * StopReason#REPLACED}). Its {@code activeDeadline} counts from {@code at}.
   */
  public void startRun(String workloadKey, Instant at, String why) {
    WorkloadDemand d = ledger.workload(workloadKey);
    if (d == null || d.kind() != io.poolbridge.scheduler.WorkloadKind.JOB) {
      throw new IllegalArgumentException("no Job " + workloadKey);
    }
    for (String id : ledger.runningIdsOfWorkload(workloadKey)) {
      stopOne(id, StopReason.REPLACED, "stopped: " + why);
    }
    for (String id : d.instanceIds()) {
      lives.forgetInstance(workloadKey, id);
      if (laneOf(workloadKey, id) == 0) {
        ledger.unhold(workloadKey, id);
      } else {
        // Runs alongside (policy Allow) are replaced too: their instances wait for a run of their lane.
        ledger.hold(workloadKey, id, true);
      }
    }
    for (Integer lane : List.copyOf(lives.runs(workloadKey).keySet())) {
      if (lane > 0) {
        lives.forgetJob(workloadKey, lane);
      }
    }
    lives.setJob(workloadKey, new JobLife(JobLife.Phase.RUNNING, at, 0, 0, null, null, null));
    demand.changed(d.frameworkId());
    demand.reviveAtNextTick(d.frameworkId());
    snapshots.workloadChanged(workloadKey);
    unsettle();
  }
  /**
   * Starts a run of a scheduled Job in {@code lane} at {@code at}, alongside the runs of its other
   * lanes (concurrency policy Allow): the lane's instances ({@link JobPolicy#runSize()} of them,
   * listed in the Job's demand) start afresh and are placed; the other runs go on. Its {@code
   * activeDeadline} counts from {@code at}.
   *
   * @throws IllegalArgumentException when the Job lists no instance in that lane, or its run there still goes on
   */
  public void startRunAlongside(String workloadKey, int lane, Instant at) {
    WorkloadDemand d = ledger.workload(workloadKey);
    if (d == null || d.kind() != io.poolbridge.scheduler.WorkloadKind.JOB) {
      throw new IllegalArgumentException("no Job " + workloadKey);
    }
    List<String> run = laneIds(d, lane);
    if (run.isEmpty() || (lane > 0 && lives.policy(workloadKey).runSize() <= 0)) {
      throw new IllegalArgumentException("Job " + workloadKey + " lists no instance in lane " + lane);
    }
    JobLife now = lives.job(workloadKey, lane);
    if (now != null && now.running()) {
      throw new IllegalArgumentException("the run of Job " + workloadKey + " in lane " + lane + " still goes on");
    }
    for (String id : run) {
      if (ledger.isRunning(id)) {
        stopOne(id, StopReason.REPLACED, "stopped: a new run of its Job starts");
      }
      lives.forgetInstance(workloadKey, id);
      ledger.unhold(workloadKey, id);
    }
    lives.setJob(workloadKey, lane, new JobLife(JobLife.Phase.RUNNING, at, 0, 0, null, null, null));
    demand.changed(d.frameworkId());
    demand.reviveAtNextTick(d.frameworkId());
    snapshots.workloadChanged(workloadKey);
    unsettle();
  }


  /**
   * A running instance ended by itself at {@code at}: its resources are released ({@link
   * StopReason#EXITED}, and the rest of its gang with it) and what happens next is decided here.
   *
   * <ul>
   *   <li>A Service's (or NodeLease's) instance is placed again: at once when it was {@link
   *       Exit#KILLED} from outside, else after a back-off that grows with its failures in a row
   *       (10 s, doubling, at most 5 minutes; a run of 10 minutes or more starts the count again).
   *       An instance that exits with success is restarted too: a Service is kept running.
   *   <li>A Job's instance that succeeded is done; the Job succeeds when every instance it lists
   *       is. A failed (or killed) one is a failed attempt: retried after the back-off while the
   *       Job's attempts stay within its {@code backoffLimit}; the one after fails the Job, whose
   *       other instances are stopped ({@link StopReason#JOB_FAILED}).
   * </ul>
   *
   * @param message what the run's end said (an exit code, an eviction), for status and events
   * @return whether it was running (an exit reported twice, or for an instance stopped meanwhile,
   *     changes nothing)
   */
  public boolean exited(String instanceId, Exit exit, Instant at, String message) {
    Running r = ledger.running(instanceId);
    if (r == null) {
      return drainedExited(instanceId, exit, message);
    }
    String key = r.instance().workloadKey();
    WorkloadDemand d = ledger.workload(key);
    InstanceLife before = lives.life(instanceId);
    Instant placedAt = lives.placedAt(instanceId);
    boolean stable = placedAt != null && Duration.between(placedAt, at).compareTo(LifeBook.STABLE_RUN) >= 0;
    int inRow = exit == Exit.KILLED && d.kind() != io.poolbridge.scheduler.WorkloadKind.JOB ? before.failuresInRow()
        : stable ? 1 : before.failuresInRow() + 1;
    String said = message == null || message.isBlank() ? describe(exit) : message;
    int lane = laneOf(key, instanceId);
    JobLife job = lives.job(key, lane);
    boolean failJob = false;
    InstanceLife after;
    if (job != null && job.running()) {
      if (exit == Exit.SUCCEEDED) {
        after = new InstanceLife(before.restarts(), 0, exit, at, said, null, true);
        job = new JobLife(JobLife.Phase.RUNNING, job.startedAt(), job.succeeded() + 1, job.failures(), null, null, null);
      } else {
        int failures = job.failures() + 1;
        failJob = failures > lives.policy(key).backoffLimit();
        after = new InstanceLife(before.restarts() + (failJob ? 0 : 1), inRow, exit, at, said,
            failJob ? null : at.plus(LifeBook.backoff(inRow)), failJob);
        job = new JobLife(JobLife.Phase.RUNNING, job.startedAt(), job.succeeded(), failures, null, null, null);
      }
    } else {
      Instant until = exit == Exit.KILLED ? null : at.plus(LifeBook.backoff(inRow));
      after = new InstanceLife(before.restarts() + 1, exit == Exit.KILLED ? before.failuresInRow() : inRow, exit, at, said, until, false);
    }
    if (after.done() || after.heldUntil() != null) {
      ledger.hold(key, instanceId, after.done());
    }
    lives.setLife(key, instanceId, after);
    stop(instanceId, StopReason.EXITED, exitMessage(exit, said, after));
    if (job != null) {
      lives.setJob(key, lane, job);
      if (failJob) {
        failJob(key, lane, JobLife.BACKOFF_LIMIT_EXCEEDED, "the Job failed " + job.failures() + " time(s), more than its backoffLimit of "
            + lives.policy(key).backoffLimit() + "; last: " + displayName(instanceId) + " " + said, at);
      } else if (job.running()) {
        List<String> run = laneIds(d, lane);
        int done = 0;
        for (String id : run) {
          InstanceLife l = lives.life(id);
          if (l.done() && l.lastExit() == Exit.SUCCEEDED) {
            done++;
          }
        }
        if (done == run.size()) {
          lives.setJob(key, lane, new JobLife(JobLife.Phase.SUCCEEDED, job.startedAt(), done, job.failures(), at, JobLife.COMPLETE,
              "all " + done + " instance(s) ran to completion"));
        }
      }
    }
    snapshots.workloadChanged(key);
    unsettle();
    return true;
  }

  private static String describe(Exit exit) {
    return switch (exit) {
      case SUCCEEDED -> "succeeded";
      case FAILED -> "failed";
      case KILLED -> "was removed";
    };
  }

  private static String exitMessage(Exit exit, String said, InstanceLife after) {
    String what = exit == Exit.SUCCEEDED ? "ended (" + said + ")" : exit == Exit.KILLED ? "removed (" + said + ")" : "failed (" + said + ")";
    if (after.done()) {
      return what + (exit == Exit.SUCCEEDED ? ": done" : "");
    }
    if (after.heldUntil() == null) {
      return what + ": placed again";
    }
    return what + ": placed again after a back-off of " + LifeBook.backoff(after.failuresInRow()).toSeconds() + " s";
  }

  /** {@code ns/web-0} as {@code web-0}. */
  private static String displayName(String instanceId) {
    return instanceId.substring(instanceId.indexOf('/') + 1);
  }

  /** Fails a running Job's run of lane 0. */
  private void failJob(String key, String reason, String message, Instant at) {
    failJob(key, 0, reason, message, at);
  }

  /** Fails a running run of a Job: its running instances are stopped and none is placed again. */
  private void failJob(String key, int lane, String reason, String message, Instant at) {
    WorkloadDemand d = ledger.workload(key);
    JobLife job = lives.job(key, lane);
    if (d == null || job == null || !job.running()) {
      return;
    }
    List<String> run = laneIds(d, lane);
    for (String id : run) {
      InstanceLife l = lives.life(id);
      if (!l.done()) {
        lives.setLife(key, id, new InstanceLife(l.restarts(), l.failuresInRow(), l.lastExit(), l.lastExitAt(), l.message(), null, true));
      }
      ledger.hold(key, id, true);
    }
    Set<String> inRun = new HashSet<>(run);
    for (String id : ledger.runningIdsOfWorkload(key)) {
      if (inRun.contains(id)) {
        stopOne(id, StopReason.JOB_FAILED, "stopped: " + message);
      }
    }
    lives.setJob(key, lane, new JobLife(JobLife.Phase.FAILED, job.startedAt(), job.succeeded(), job.failures(), at, reason, message));
    demand.changed(d.frameworkId());
    snapshots.workloadChanged(key);
    unsettle();
  }

  /**
   * The lane of a Job's instance: its ordinal divided by the run size when runs may overlap
   * ({@link JobPolicy#runSize()}), else 0.
   */
  private int laneOf(String key, String instanceId) {
    int size = lives.policy(key).runSize();
    if (size <= 0) {
      return 0;
    }
    int ordinal = ordinal(instanceId);
    return ordinal < 0 ? 0 : ordinal / size;
  }

  /** The instances of {@code d} in {@code lane}, in its order. */
  private List<String> laneIds(WorkloadDemand d, int lane) {
    if (lives.policy(d.key()).runSize() <= 0) {
      // One run at a time: lane 0 is every instance, and no other lane has any.
      return lane == 0 ? d.instanceIds() : List.of();
    }
    List<String> out = new ArrayList<>();
    for (String id : d.instanceIds()) {
      if (laneOf(d.key(), id) == lane) {
        out.add(id);
      }
    }
    return out;
  }

  /** The digits after an instance id's last dash, or -1. */
  static int ordinal(String instanceId) {
    int dash = instanceId.lastIndexOf('-');
    if (dash < 0 || dash == instanceId.length() - 1 || instanceId.length() - dash - 1 > 9) {
      return -1;
    }
    int n = 0;
    for (int i = dash + 1; i < instanceId.length(); i++) {
      char c = instanceId.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** Restores an instance's history read from the record (before or after its placement is restored). */
  public void restoreLife(String workloadKey, String instanceId, InstanceLife life) {
    WorkloadDemand d = ledger.workload(workloadKey);
    if (d == null || !d.instanceIds().contains(instanceId)) {
      throw new IllegalArgumentException("no workload " + workloadKey + " lists instance " + instanceId);
    }
    lives.setLife(workloadKey, instanceId, life);
    if (life.done() || life.heldUntil() != null) {
      ledger.hold(workloadKey, instanceId, life.done());
    }
    demand.changed(d.frameworkId());
    snapshots.workloadChanged(workloadKey);
    unsettle();
  }

  /** Restores a Job's standing read from the record. */
  public void restoreJob(String workloadKey, JobLife job) {
    restoreJob(workloadKey, 0, job);
  }

  /**
   * Restores the standing of a Job's run in {@code lane} read from the record. A lane above 0
   * without a run going on holds its instances.
   */
  public void restoreJob(String workloadKey, int lane, JobLife job) {
    WorkloadDemand d = ledger.workload(workloadKey);
    if (d == null) {
      throw new IllegalArgumentException("no workload " + workloadKey);
    }
    lives.setJob(workloadKey, lane, job);
    if (job.running()) {
      // Its instances are placed (a scheduled Job's were held while it waited for a run); those
      // done or backing off are held again as their own histories are restored.
      for (String id : laneIds(d, lane)) {
        InstanceLife l = lives.life(id);
        if (!l.done() && l.heldUntil() == null) {
          ledger.unhold(workloadKey, id);
        }
      }
    } else {
      laneIds(d, lane).forEach(id -> ledger.hold(workloadKey, id, true));
    }
    demand.changed(d.frameworkId());
    snapshots.workloadChanged(workloadKey);
    unsettle();
  }

  /** Held instances whose back-off is over are pending again; Jobs past their deadline fail. */
  private void lifecycleDue(Instant now) {
    for (String[] due : lives.dueRestarts(now)) {
      if (ledger.unhold(due[0], due[1])) {
        WorkloadDemand d = ledger.workload(due[0]);
        if (d != null) {
          demand.changed(d.frameworkId());
          demand.reviveAtNextTick(d.frameworkId());
        }
        snapshots.workloadChanged(due[0]);
        unsettle();
      }
    }
    for (Map.Entry<String, Integer> due : lives.dueDeadlines(now)) {
      String key = due.getKey();
      Duration deadline = lives.policy(key).activeDeadline();
      failJob(key, due.getValue(), JobLife.DEADLINE_EXCEEDED,
          "the Job ran past its activeDeadlineSeconds of " + (deadline == null ? 0 : deadline.toSeconds()), now);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Events: the operator's record

  /** The placement of {@code instanceId} is recorded (its workload's status was written). */
  public void commit(String instanceId) {
    Running r = ledger.running(instanceId);
    if (r != null && ledger.commit(instanceId)) {
      snapshots.workloadChanged(r.assignment().workloadKey());
      snapshots.stale();
    }
  }

  /**
   * The placement of {@code instanceId} could not be recorded: it is undone (its resources
   * released) and the instance is pending again, to be placed from fresh state at the next tick.
   */
  public void rollBack(String instanceId) {
    Running r = ledger.running(instanceId);
    if (r == null || !ledger.isUncommitted(instanceId)) {
      throw new IllegalArgumentException("no uncommitted placement of " + instanceId);
    }
    release(instanceId);
    demand.reviveAtNextTick(r.instance().frameworkId());
    unsettle();
  }

  /**
   * Records a placement that already exists (read from the operator's record after a restart):
   * the allocator accounts it exactly as when it was made, and it counts as committed. The agent,
   * the framework and the workload (listing the instance) must be known.
   */
  public void restore(RecordedPlacement p) {
    WorkloadDemand d = ledger.workload(p.workloadKey());
    if (d == null || !d.instanceIds().contains(p.instanceId())) {
      throw new IllegalArgumentException("no workload " + p.workloadKey() + " lists instance " + p.instanceId());
    }
    AgentInfo agent = agents.get(p.agentId());
    if (agent == null) {
      throw new IllegalArgumentException("instance " + p.instanceId() + " is on unknown agent " + p.agentId());
    }
    if (ledger.isRunning(p.instanceId())) {
      throw new IllegalArgumentException("instance " + p.instanceId() + " is placed already");
    }
    allocator.restore(new Placement(
        p.instanceId(), d.frameworkId(), p.agentId(), agent.pool(), p.resources(), p.revocable(), d.priority(), p.reserved()));
    afterSchemaChange();
    Resources resources = p.resources().widen(allocator.schema());
    Assignment a = new Assignment(p.instanceId(), d.key(), -1, p.agentId(), agent.pool(), resources, d.priority(),
        p.revocable(), prices.perHour(agent.pool(), resources));
    index(a, d);
    ledger.commit(p.instanceId());
    DrainBook.Window w = drains.window(p.agentId());
    if (w != null && w.state() == AgentState.DRAINING) {
      // Restored onto a node already drained ahead of a window (a restarted operator): drained too.
      drainAhead(p.instanceId(), p.agentId(), w);
    }
    unsettle();
  }

  /** Hints how many placements to expect in all (sizes the allocator's index; changes no decision). */
  public void expectPlacements(int placements) {
    allocator.expectPlacements(placements);
  }

  /**
   * After a call that may have grown the allocator's schema (a new resource on an agent, in a
   * quota, in a workload): widens everything the engine keeps to it, in place. The schema only
   * grows, and rarely, so this visits the estate only then.
   */
  private void afterSchemaChange() {
    ResourceSchema schema = allocator.schema();
    if (schema.size() == width) {
      return;
    }
    width = schema.size();
    ledger.widen(schema);
    agents.replaceAll((k, a) -> Vectors.widen(a, schema));
    snapshots.workloadsChanged(ledger.workloads().keySet());
    snapshots.agentsChanged(agents.keySet());
    snapshots.stale();
  }

  private void unsettle() {
    demand.wake();
    settled = false;
    quiet = 0;
    snapshots.stale();
  }

  // ---------------------------------------------------------------------------------------------
  // The tick

  /**
   * Moves the engine's time to {@code now} and runs one allocation round, unless the estate is
   * settled and nothing happened since (then it returns at once). Returns the decisions of the
   * round and of the events since the last tick.
   */
  public Tick tick(Instant now) {
    clock.moveTo(now);
    lifecycleDue(now);
    drainsDue(now);
    boolean idle = settled;
    if (!idle) {
      snapshots.stale();
      round++;
      changed = round();
      quiet = changed ? 0 : quiet + 1;
      if (quiet >= quietRounds()) {
        if (preempt()) {
          quiet = 0;
        } else {
          settled = true;
        }
      }
    }
    OfferCounts offers = allocator.offerCounts();
    Tick tick = new Tick(round, clock.instant(), placed, stopped, rescinded, settled, idle, offers.minus(offersAtLastTick));
    offersAtLastTick = offers;
    placed.clear();
    stopped.clear();
    rescinded.clear();
    publish();
    return tick;
  }

  /**
   * How many quiet ticks in a row make the estate settled: enough for every refuse filter of a
   * framework that still wants something to expire and the capacity behind it to be offered again.
   */
  public int quietRounds() {
    return demand.quietRounds(interval, clock.millis());
  }

  /** One round; whether it placed or stopped anything. */
  private boolean round() {
    changed = false;
    syncDemand();
    absorb(allocator.allocate());
    Map<String, List<Offer>> offers = new HashMap<>();
    for (Offer o : allocator.outstandingOffers()) {
      offers.computeIfAbsent(o.frameworkId(), k -> new ArrayList<>()).add(o);
    }
    // Only frameworks with offers or pending instances have anything to decide.
    Set<String> deciding = new TreeSet<>(offers.keySet());
    ledger.pendingByFramework().forEach((fw, n) -> {
      if (n > 0) {
        deciding.add(fw);
      }
    });
    for (String fw : deciding) {
      changed |= schedule(fw, offers.getOrDefault(fw, List.of()));
    }
    if (changed) {
      // Something was placed or stopped: a gang that ran out of its hold, or that the estate could
      // not hold, may try again on the new state.
      int max = maxGangHold();
      holds.expire(max);
      demand.wake();
    }
    return changed;
  }

  /** Carries out what a cycle takes back: revocations, and placements on agents that left ACTIVE. */
  private void absorb(CycleResult cycle) {
    rescinded.addAll(cycle.rescinded());
    for (Revocation r : cycle.revocations()) {
      String why = "revoked: borrowed capacity reclaimed by role " + r.owner();
      stopAndSay(r.placement().instanceId(), StopReason.REVOKED, why);
    }
    for (Placement p : cycle.toMove()) {
      if (drains.drainingAhead(p.agentId()) || drains.isSlotId(p.instanceId())) {
        // Drained ahead of a window: Services moved make-before-break, the rest run until it opens.
        continue;
      }
      DrainBook.Window w = drains.window(p.agentId());
      stopAndSay(p.instanceId(), StopReason.DRAINED, w != null ? DrainBook.openedMessage(p.agentId(), w)
          : "moved off " + p.agentId() + " (" + allocator.usage(p.agentId()).state() + ")");
    }
  }

  /**
   * Tells the allocator the demand that changed or is unmet, suppressing and reviving frameworks.
   * A revive runs a cycle, and its reclaim reads every owner's demand: only once all of them are
   * current (an owner whose instance was placed last round wants nothing more), or it revokes
   * again for demand already met.
   */
  private void syncDemand() {
    demand.sync().forEach(fw -> absorb(allocator.revive(fw)));
  }

  /** The fewest outstanding offers a framework with pending instances may hold. */
  public static final int MIN_OFFER_BREADTH = 256;
  /** Outstanding offers a framework may hold per pending instance, beyond {@link #MIN_OFFER_BREADTH}. */
  public static final int OFFERS_PER_PENDING_INSTANCE = 8;

  private boolean schedule(String fw, List<Offer> offers) {
    List<WorkloadDemand> demands = ledger.pending(fw);
    if (demands.isEmpty()) {
      offers.forEach(o -> allocator.decline(o.id(), null));
      return false;
    }
    List<NodeOffer> nodeOffers = offers.stream().map(o -> new NodeOffer(o, agents.get(o.agentId()))).toList();
    List<PlacedInstance> placedOfFw = ledger.instancesOfFramework(fw);
    Set<String> holdDenied = holds.denied(demands, maxGangHold());
    Decisions decisions = scheduler.schedule(new SchedulingRequest(
        fw, room.limitedRole(fw, demands), nodeOffers, demands, placedOfFw, room.capacityFor(fw, demands), holdDenied,
        room.roomUnderLimits(fw)));
    Set<String> wasDormant = new HashSet<>();
    for (WorkloadDemand d : demands) {
      snapshots.workloadChanged(d.key());
      if (demand.isDormant(d.key())) {
        wasDormant.add(d.key());
      }
      if (decisions.cannotComplete().contains(d.key())) {
        demand.sleep(d.key());
      }
      holds.decided(d.key(), decisions.holding().contains(d.key()), holdDenied.contains(d.key()));
    }
    for (OfferDecision od : decisions.offers()) {
      if (od.accepted()) {
        allocator.accept(od.offer().id(), od.launches());
      } else {
        allocator.decline(od.offer().id(), od.refuse());
      }
    }
    for (Assignment a : decisions.assignments()) {
      index(a, ledger.workload(a.workloadKey()));
      ledger.placedUncommitted(a.instanceId());
      placed.add(a);
      waits.forget(a.instanceId());
    }
    waits.unplaced(decisions.unplaced(), wasDormant);
    return !decisions.assignments().isEmpty();
  }

  /** Records a running instance in the ledger, and marks what it changed. */
  private void index(Assignment a, WorkloadDemand d) {
    ledger.index(a, d, agents.get(a.agentId()), allocator.schema().size());
    lives.placed(a.instanceId(), clock.instant());
    demand.changed(d.frameworkId());
    snapshots.workloadChanged(d.key());
    snapshots.agentChanged(a.agentId());
  }

  /** Releases a running instance in the allocator and the ledger; it is pending again if still listed. */
  private Running release(String instanceId) {
    Running r = ledger.release(instanceId);
    if (r == null) {
      return null;
    }
    allocator.recover(instanceId);
    demand.changed(r.instance().frameworkId());
    snapshots.workloadChanged(r.instance().workloadKey());
    snapshots.agentChanged(r.assignment().agentId());
    return r;
  }

  /** Stops a running instance (and the rest of its gang): released, pending again. */
  private boolean stop(String instanceId, StopReason reason, String why) {
    Running r = stopOne(instanceId, reason, why);
    if (r == null) {
      return false;
    }
    if (r.instance().gang()) {
      for (String id : ledger.workload(r.instance().workloadKey()).instanceIds()) {
        stop(id, StopReason.GANG, "stopped with its gang");
      }
    }
    return true;
  }

  private Running stopOne(String instanceId, StopReason reason, String why) {
    Running r = release(instanceId);
    if (r != null) {
      changed = true;
      Assignment a = r.assignment();
      stopped.add(new Stopped(instanceId, a.workloadKey(), r.instance().frameworkId(), a.agentId(), a.resources(), reason, why));
    }
    return r;
  }

  /**
   * How many ticks in a row a gang may hold the offers it gathered without completing, so that the
   * capacity it holds is offered on at least that often.
   */
  private int maxGangHold() {
    // Half the quiet rounds: a hold that ends is seen (and its nodes offered on) before the
    // estate could be called settled.
    return Math.max(1, quietRounds() / 2);
  }

  /**
   * Pending instances that could run now, each with a node that has room for it: free capacity
   * its framework may use (unreserved, or reserved for its role's line), its constraints holding
   * there, room under its role's limits, and no other role's guarantee unmet (whose headroom the
   * allocator rightly holds back). Gangs are left out: they wait for room for all their instances.
   * The allocator and the schedulers must leave none when the estate is settled: this checks the
   * claim. It visits the whole estate.
   */
  public List<String> placeablePending() {
    return room.placeablePending();
  }

  /** Plans and carries out preemptions for the instances still pending; whether any happened. */
  private boolean preempt() {
    List<Preemptor> preemptors = waits.preemptors();
    if (preemptors.isEmpty()) {
      return false;
    }
    List<Plan> plans = Preemption.plan(preemptors, room.freeNodes(), ledger.allInstances());
    if (plans.isEmpty()) {
      return false;
    }
    Set<String> preempting = new TreeSet<>();
    for (Plan plan : plans) {
      for (Eviction e : plan.evictions()) {
        stop(e.victim().instanceId(), StopReason.PREEMPTED, e.reason().substring(0, 1).toLowerCase() + e.reason().substring(1));
        waits.evicted(e);
      }
      preempting.add(ledger.workload(plan.workloadKey()).frameworkId());
      waits.roomMadeFor(plan.instanceId());
    }
    // Room was made: gangs the estate could not hold are offered again, starting with this cycle.
    demand.wakeAndTell();
    // The freed room is offered to the preemptors' frameworks first: the others sit out that cycle.
    List<String> others = frameworks.keySet().stream().filter(fw -> !preempting.contains(fw) && !demand.isSuppressed(fw)).toList();
    others.forEach(allocator::suppress);
    preempting.forEach(fw -> absorb(allocator.revive(fw)));
    others.forEach(fw -> absorb(allocator.revive(fw)));
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** The workloads, in submission order. */
  public List<WorkloadDemand> workloads() {
    return List.copyOf(ledger.workloads().values());
  }

  /** How many ticks did work so far. */
  public long rounds() {
    return round;
  }

  // ---- Rollouts: Rollout decides which instances to replace; the operator calls rollOut for each ----

  /**
   * Replaces a running instance in place for a rollout (its Service's template or resources
   * changed): it is stopped ({@link StopReason#ROLLED_OUT}) and pending again at once, placed
   * through the allocator with its workload's current resources, as a new attempt (its restarts + 1,
   * so that the Pod of the old attempt is replaced, never adopted). Its failures in a row are kept; a
   * gang's other instances stop with it. What to replace, and when, is {@link Rollout}'s decision.
   *
   * @param why what the rollout said, for status and events
   * @return whether it was running (a second call, or one for an instance stopped meanwhile, changes nothing)
   */
  public boolean rollOut(String instanceId, String why) {
    Running r = ledger.running(instanceId);
    if (r == null) {
      return false;
    }
    String key = r.instance().workloadKey();
    InstanceLife before = lives.life(instanceId);
    lives.setLife(key, instanceId, new InstanceLife(before.restarts() + 1, before.failuresInRow(), before.lastExit(),
        before.lastExitAt(), before.message(), null, false));
    stop(instanceId, StopReason.ROLLED_OUT, "replaced: " + why);
    snapshots.workloadChanged(key);
    unsettle();
    return true;
  }

  /**
   * Publishes what changed since the last tick (commits, events) as the snapshot, without an
   * allocation round, and returns it.
   */
  public EngineSnapshot publish() {
    return snapshots.publish(round, clock.instant(), settled);
  }
}
