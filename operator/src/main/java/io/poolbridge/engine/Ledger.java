package io.poolbridge.engine;

import static io.poolbridge.engine.Vectors.addSaturating;
import static io.poolbridge.engine.Vectors.subtract;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.PlacedInstance;
import io.poolbridge.scheduler.WorkloadDemand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's record of its workloads and of where each instance runs, with the indexes a tick
 * reads instead of walking the estate: running instances by id, framework, workload and agent, the
 * resources each framework's instances and each agent's placements use, the number of pending
 * instances per framework, and the placements not committed yet.
 *
 * <p>It keeps the record only: the engine tells the allocator, and marks what the next tick and
 * the snapshot must look at.
 */
final class Ledger {
  /** A running instance: where it was placed, and as the schedulers see it. */
  record Running(Assignment assignment, PlacedInstance instance) {}

  private final Map<String, WorkloadDemand> workloads = new LinkedHashMap<>();
  /** Per framework, its workload keys in submission order. */
  private final Map<String, Set<String>> workloadsOf = new HashMap<>();
  private final Map<String, Running> running = new LinkedHashMap<>();
  private final Map<String, Map<String, Running>> runningOfFramework = new HashMap<>();
  private final Map<String, Map<String, Running>> runningOfWorkload = new HashMap<>();
  private final Map<String, Set<String>> runningOnAgent = new HashMap<>();
  /** Per framework, the summed resources of its running instances. */
  private final Map<String, long[]> runningUse = new HashMap<>();
  /** Per agent, the summed resources of the instances on it. */
  private final Map<String, long[]> placedOn = new HashMap<>();
  private final Map<String, Integer> pendingOfFramework = new HashMap<>();
  private final Map<String, Integer> pendingView = Collections.unmodifiableMap(pendingOfFramework);
  /** Placed instances the operator has not committed yet. */
  private final Set<String> uncommitted = new HashSet<>();
  /**
   * Per workload, the instances it lists that are neither running nor pending: held back after they
   * ended by themselves (backing off before a restart, or done), see {@link #hold}.
   */
  private final Map<String, Set<String>> heldOfWorkload = new HashMap<>();
  /** Per workload, its held instances that are held for a while only (backing off), not done. */
  private final Map<String, Set<String>> backingOff = new HashMap<>();

  // ---------------------------------------------------------------------------------------------
  // Frameworks and workloads

  void addFramework(String fw, int width) {
    workloadsOf.put(fw, new LinkedHashSet<>());
    runningOfFramework.put(fw, new LinkedHashMap<>());
    runningUse.put(fw, new long[width]);
    pendingOfFramework.put(fw, 0);
  }

  /** Forgets a framework whose workloads were removed. */
  void removeFramework(String fw) {
    workloadsOf.remove(fw);
    runningOfFramework.remove(fw);
    runningUse.remove(fw);
    pendingOfFramework.remove(fw);
  }

  /** A new workload: all its instances are pending. */
  void addWorkload(WorkloadDemand d) {
    workloads.put(d.key(), d);
    workloadsOf.get(d.frameworkId()).add(d.key());
    runningOfWorkload.put(d.key(), new LinkedHashMap<>());
    adjustPending(d.frameworkId(), d.instanceIds().size());
  }

  /** A changed workload of the same framework (its running instances it no longer lists stopped already). */
  void replaceWorkload(WorkloadDemand old, WorkloadDemand d) {
    int before = pendingOf(old);
    workloads.put(d.key(), d);
    adjustPending(d.frameworkId(), pendingOf(d) - before);
  }

  /** Forgets a workload whose running instances were stopped; returns it. */
  WorkloadDemand removeWorkload(String key) {
    WorkloadDemand d = workloads.get(key);
    adjustPending(d.frameworkId(), -pendingOf(d));
    heldOfWorkload.remove(key);
    backingOff.remove(key);
    workloads.remove(key);
    workloadsOf.get(d.frameworkId()).remove(key);
    runningOfWorkload.remove(key);
    return d;
  }

  WorkloadDemand workload(String key) {
    return workloads.get(key);
  }

  /** The workloads, in submission order (a live view: read only). */
  Map<String, WorkloadDemand> workloads() {
    return workloads;
  }

  /** The framework's workload keys in submission order (a live view: read only). */
  Set<String> workloadsOf(String fw) {
    return workloadsOf.get(fw);
  }

  // ---------------------------------------------------------------------------------------------
  // Running instances

  /** Records a running instance in every index. */
  void index(Assignment a, WorkloadDemand d, AgentInfo agent, int width) {
    PlacedInstance p = PlacedInstance.of(d, a.instanceId(), agent, a.resources(), a.revocable());
    Running r = new Running(a, p);
    running.put(a.instanceId(), r);
    runningOfFramework.get(d.frameworkId()).put(a.instanceId(), r);
    runningOfWorkload.get(d.key()).put(a.instanceId(), r);
    runningOnAgent.computeIfAbsent(a.agentId(), k -> new LinkedHashSet<>()).add(a.instanceId());
    addSaturating(runningUse.get(d.frameworkId()), a.resources().toArray());
    addSaturating(placedOn.computeIfAbsent(a.agentId(), k -> new long[width]), a.resources().toArray());
    adjustPending(d.frameworkId(), -1);
  }

  /**
   * Removes a running instance from every index; it is pending again if its workload still lists
   * it. Returns what it was, or {@code null} when it was not running.
   */
  Running release(String instanceId) {
    Running r = running.remove(instanceId);
    if (r == null) {
      return null;
    }
    String fw = r.instance().frameworkId();
    runningOfFramework.get(fw).remove(instanceId);
    runningOfWorkload.get(r.instance().workloadKey()).remove(instanceId);
    Set<String> on = runningOnAgent.get(r.assignment().agentId());
    if (on != null) {
      on.remove(instanceId);
    }
    uncommitted.remove(instanceId);
    subtract(runningUse.get(fw), r.assignment().resources().toArray());
    subtract(placedOn.get(r.assignment().agentId()), r.assignment().resources().toArray());
    if (workloads.get(r.instance().workloadKey()).instanceIds().contains(instanceId) && !isHeld(r.instance().workloadKey(), instanceId)) {
      adjustPending(fw, 1);
    }
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // Held instances

  /**
   * Holds an instance of {@code key} back: it is not pending (not offered for, not placed) until
   * {@link #unhold}. A running instance may be held before it is released, so that its release does
   * not make it pending. Whether it was not held already.
   */
  boolean hold(String key, String instanceId, boolean forGood) {
    if (forGood) {
      dropBackingOff(key, instanceId);
    } else {
      backingOff.computeIfAbsent(key, k -> new HashSet<>()).add(instanceId);
    }
    WorkloadDemand d = workloads.get(key);
    if (d == null || !heldOfWorkload.computeIfAbsent(key, k -> new HashSet<>()).add(instanceId)) {
      return false;
    }
    if (!running.containsKey(instanceId) && d.instanceIds().contains(instanceId)) {
      adjustPending(d.frameworkId(), -1);
    }
    return true;
  }

  /** Ends a hold: the instance is pending again if its workload lists it and it does not run. Whether it was held. */
  boolean unhold(String key, String instanceId) {
    dropBackingOff(key, instanceId);
    Set<String> held = heldOfWorkload.get(key);
    if (held == null || !held.remove(instanceId)) {
      return false;
    }
    if (held.isEmpty()) {
      heldOfWorkload.remove(key);
    }
    WorkloadDemand d = workloads.get(key);
    if (d != null && !running.containsKey(instanceId) && d.instanceIds().contains(instanceId)) {
      adjustPending(d.frameworkId(), 1);
    }
    return true;
  }

  private void dropBackingOff(String key, String instanceId) {
    Set<String> b = backingOff.get(key);
    if (b != null && b.remove(instanceId) && b.isEmpty()) {
      backingOff.remove(key);
    }
  }

  boolean isHeld(String key, String instanceId) {
    Set<String> held = heldOfWorkload.get(key);
    return held != null && held.contains(instanceId);
  }

  Running running(String instanceId) {
    return running.get(instanceId);
  }

  boolean isRunning(String instanceId) {
    return running.containsKey(instanceId);
  }

  /** Every running instance, as the schedulers see it. */
  List<PlacedInstance> allInstances() {
    return running.values().stream().map(Running::instance).toList();
  }

  /** The running instances of a framework, as the schedulers see them. */
  List<PlacedInstance> instancesOfFramework(String fw) {
    return runningOfFramework.get(fw).values().stream().map(Running::instance).toList();
  }

  /** The running instances of a workload, as the schedulers see them. */
  List<PlacedInstance> instancesOfWorkload(String key) {
    return runningOfWorkload.get(key).values().stream().map(Running::instance).toList();
  }

  /** The running instances of a workload by id (a live view: read only). */
  Map<String, Running> runningOfWorkload(String key) {
    return runningOfWorkload.get(key);
  }

  /** The ids of the framework's running instances, a copy. */
  List<String> runningIdsOfFramework(String fw) {
    return List.copyOf(runningOfFramework.get(fw).keySet());
  }

  /** The ids of the workload's running instances, a copy. */
  List<String> runningIdsOfWorkload(String key) {
    return List.copyOf(runningOfWorkload.get(key).keySet());
  }

  /** The ids of the instances on an agent, a copy. */
  List<String> runningIdsOnAgent(String agentId) {
    return List.copyOf(runningOnAgent.getOrDefault(agentId, Set.of()));
  }

  /** Forgets an agent that left, whose instances were released. */
  void removeAgent(String agentId) {
    placedOn.remove(agentId);
    runningOnAgent.remove(agentId);
  }

  /** The instances on a changed agent see its new attributes (constraints count them by value). */
  void agentChanged(AgentInfo agent) {
    for (String id : runningOnAgent.getOrDefault(agent.id(), Set.of())) {
      Running r = running.get(id);
      Running moved = new Running(r.assignment(), PlacedInstance.of(
          workloads.get(r.instance().workloadKey()), id, agent, r.instance().resources(), r.instance().revocable()));
      running.put(id, moved);
      runningOfFramework.get(r.instance().frameworkId()).put(id, moved);
      runningOfWorkload.get(r.instance().workloadKey()).put(id, moved);
    }
  }

  /** Per framework, the summed resources of its running instances (a live view: read only). */
  Map<String, long[]> useByFramework() {
    return runningUse;
  }

  /** What the instances on an agent use, or {@code null} when none ever ran there. */
  long[] placedOn(String agentId) {
    return placedOn.get(agentId);
  }

  // ---------------------------------------------------------------------------------------------
  // Commits

  void placedUncommitted(String instanceId) {
    uncommitted.add(instanceId);
  }

  /** Marks the placement committed; whether it was uncommitted. */
  boolean commit(String instanceId) {
    return uncommitted.remove(instanceId);
  }

  boolean isUncommitted(String instanceId) {
    return uncommitted.contains(instanceId);
  }

  // ---------------------------------------------------------------------------------------------
  // Pending instances

  /** Per framework, how many of its instances are pending (read only). */
  Map<String, Integer> pendingByFramework() {
    return pendingView;
  }

  int pendingCount(String fw) {
    return pendingOfFramework.getOrDefault(fw, 0);
  }

  /** The framework's workloads with their instances that are not running, in submission order. */
  List<WorkloadDemand> pending(String fw) {
    List<WorkloadDemand> list = new ArrayList<>();
    for (String key : workloadsOf.getOrDefault(fw, Set.of())) {
      WorkloadDemand d = workloads.get(key);
      Map<String, Running> mine = runningOfWorkload.get(key);
      Set<String> held = heldOfWorkload.getOrDefault(key, Set.of());
      if (mine.size() == d.instanceIds().size() || (d.gang() && backingOff.containsKey(key))) {
        // A gang with a member backing off cannot be placed whole: it waits for the back-off to end.
        continue;
      }
      List<String> ids = mine.isEmpty() && held.isEmpty() ? d.instanceIds()
          : d.instanceIds().stream().filter(id -> !mine.containsKey(id) && !held.contains(id)).toList();
      if (ids.isEmpty()) {
        continue;
      }
      list.add(ids.size() == d.instanceIds().size() ? d : d.withInstances(ids));
    }
    return list;
  }

  private int pendingOf(WorkloadDemand d) {
    Map<String, Running> r = runningOfWorkload.get(d.key());
    int pending = d.instanceIds().size() - (r == null ? 0 : r.size());
    Set<String> held = heldOfWorkload.get(d.key());
    if (held != null) {
      for (String id : held) {
        if ((r == null || !r.containsKey(id)) && d.instanceIds().contains(id)) {
          pending--;
        }
      }
    }
    return pending;
  }

  private void adjustPending(String fw, int delta) {
    if (delta != 0) {
      pendingOfFramework.merge(fw, delta, Integer::sum);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Schema growth

  /** Widens everything kept to the grown {@code schema}, in place. */
  void widen(ResourceSchema schema) {
    int width = schema.size();
    runningUse.replaceAll((k, v) -> Arrays.copyOf(v, width));
    placedOn.replaceAll((k, v) -> Arrays.copyOf(v, width));
    workloads.replaceAll((k, d) -> d.widen(schema));
    for (Map.Entry<String, Running> e : running.entrySet()) {
      Running r = e.getValue();
      Assignment a = r.assignment();
      Resources wide = a.resources().widen(schema);
      Running w = new Running(
          new Assignment(a.instanceId(), a.workloadKey(), a.offerId(), a.agentId(), a.pool(), wide, a.priority(), a.revocable(),
              a.pricePerHour()),
          PlacedInstance.of(workloads.get(a.workloadKey()), a.instanceId(), r.instance().agent(), wide, a.revocable()));
      e.setValue(w);
      runningOfFramework.get(r.instance().frameworkId()).put(a.instanceId(), w);
      runningOfWorkload.get(a.workloadKey()).put(a.instanceId(), w);
    }
  }
}
