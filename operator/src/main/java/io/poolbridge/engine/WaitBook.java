package io.poolbridge.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.scheduler.Feasibility;
import io.poolbridge.scheduler.FrameworkScheduler;
import io.poolbridge.scheduler.Preemption.Eviction;
import io.poolbridge.scheduler.Preemption.Preemptor;
import io.poolbridge.scheduler.Reason;
import io.poolbridge.scheduler.Unplaced;
import io.poolbridge.scheduler.WorkloadDemand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Why each pending instance waits, as the last offers (or a preemption) showed, and which pending
 * instances room was made for: they preempt once, and become preemptors again only after they ran.
 */
final class WaitBook {
  private final HierarchicalAllocator allocator;
  private final Ledger ledger;
  private final Map<String, FrameworkInfo> frameworks;
  private final Map<String, AgentInfo> agents;
  private final Feasibility feasibility;

  private final Map<String, Unplaced> waiting = new HashMap<>();
  /** Pending instances room was made for, that have not run since: they do not preempt again. */
  private final Set<String> preempted = new HashSet<>();

  /** Reads the engine's own maps (live, never changed here). */
  WaitBook(HierarchicalAllocator allocator, Ledger ledger, Map<String, FrameworkInfo> frameworks,
      Map<String, AgentInfo> agents, Feasibility feasibility) {
    this.allocator = allocator;
    this.ledger = ledger;
    this.frameworks = frameworks;
    this.agents = agents;
    this.feasibility = feasibility;
  }

  /** Why the instance waits, or {@code null} (not known to be waiting). */
  Unplaced get(String instanceId) {
    return waiting.get(instanceId);
  }

  /** The instance runs, or is gone: it waits no more. */
  void forget(String instanceId) {
    waiting.remove(instanceId);
    preempted.remove(instanceId);
  }

  /** Forgets why the instances of {@code workload} it no longer lists waited. */
  void dropUnlisted(WorkloadDemand workload) {
    Set<String> listed = new HashSet<>(workload.instanceIds());
    String key = workload.key();
    waiting.keySet().removeIf(id -> !listed.contains(id) && waitingFor(id, key));
  }

  private boolean waitingFor(String instanceId, String workloadKey) {
    Unplaced u = waiting.get(instanceId);
    return u != null && u.workloadKey().equals(workloadKey);
  }

  /**
   * Records why the instances a scheduler left unplaced wait. An instance "without offers" is told
   * why no node can take it, when none can; a dormant gang (not offered anything on purpose), and a
   * round without offers (filters after a decline), do not hide what the last offers showed.
   */
  void unplaced(List<Unplaced> unplaced, Set<String> wasDormant) {
    Map<String, Reason> refined = new HashMap<>();
    for (Unplaced u : unplaced) {
      if (wasDormant.contains(u.workloadKey()) && waiting.containsKey(u.instanceId())) {
        // Not offered anything on purpose: what the last offers showed still holds.
        continue;
      }
      if (u.reason().message().contains(FrameworkScheduler.NO_OFFERS)) {
        Reason better = refined.computeIfAbsent(u.workloadKey(), k -> feasibility.whyNoNode(ledger.workload(k), activeAgents(), allocator.schema()));
        if (better != null) {
          u = new Unplaced(u.instanceId(), u.workloadKey(), u.reason().code() == Reason.Code.GANG
              ? new Reason(Reason.Code.GANG, u.reason().message().replace(FrameworkScheduler.NO_OFFERS, better.message()))
              : better);
        }
      }
      // A round without offers (filters after a decline) does not hide what the last offers showed.
      if (u.reason().code() != Reason.Code.NO_OFFERS || !waiting.containsKey(u.instanceId())) {
        waiting.put(u.instanceId(), u);
      }
    }
  }

  private List<AgentInfo> activeAgents() {
    List<AgentInfo> active = new ArrayList<>();
    for (AgentInfo a : agents.values()) {
      if (allocator.usage(a.id()).state() == AgentState.ACTIVE) {
        active.add(a);
      }
    }
    return active;
  }

  /**
   * The pending instances that may preempt: known to be waiting, not held back by their role's
   * limit, and not preempted for already; in framework order, then submission order.
   */
  List<Preemptor> preemptors() {
    List<Preemptor> preemptors = new ArrayList<>();
    for (String fw : frameworks.keySet()) {
      if (ledger.pendingCount(fw) == 0) {
        continue;
      }
      boolean belowGuarantee = !allocator.guaranteeMet(frameworks.get(fw).role());
      for (WorkloadDemand d : ledger.pending(fw)) {
        for (String id : d.instanceIds()) {
          Unplaced u = waiting.get(id);
          if (u != null && u.reason().code() != Reason.Code.ROLE_LIMIT && !preempted.contains(id)) {
            preemptors.add(new Preemptor(d, id, belowGuarantee));
          }
        }
      }
    }
    return preemptors;
  }

  /** The victim of an eviction waits, preempted. */
  void evicted(Eviction e) {
    String victim = e.victim().instanceId();
    waiting.put(victim, new Unplaced(victim, e.victim().workloadKey(), new Reason(Reason.Code.PREEMPTED, e.reason())));
  }

  /**
   * A running instance was stopped and is pending again ({@code why}: revoked, moved off a node
   * under maintenance): that is why it waits, until a round with offers says otherwise.
   */
  void stopped(String instanceId, String workloadKey, String why) {
    waiting.put(instanceId, new Unplaced(instanceId, workloadKey, new Reason(Reason.Code.NO_OFFERS, why)));
  }

  /** Room was made for the pending instance: it does not preempt again until it ran. */
  void roomMadeFor(String instanceId) {
    preempted.add(instanceId);
  }
}
