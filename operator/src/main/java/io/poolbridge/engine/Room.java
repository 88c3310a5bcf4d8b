package io.poolbridge.engine;

import static io.poolbridge.engine.Vectors.addSaturating;
import static io.poolbridge.engine.Vectors.fitsIn;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.AgentUsage;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.Placement;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.Resources;
import io.poolbridge.allocator.RolePaths;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.Feasibility;
import io.poolbridge.scheduler.NodeOffer;
import io.poolbridge.scheduler.PlacedInstance;
import io.poolbridge.scheduler.Preemption.NodeCapacity;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.scheduler.WorkloadKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's room computations, read-only over its state: what a framework's line may still take
 * under its roles' limits (as the engine counts its line's placements, and as the allocator counts
 * them), which role's limit holds its pending instances back, what capacity it could be offered
 * per node (less placements and other lines' unused reservations), and the check that a settled
 * estate leaves no placeable instance pending.
 */
final class Room {
  private final HierarchicalAllocator allocator;
  private final Map<String, FrameworkInfo> frameworks;
  private final Map<String, Quota> quotas;
  private final Map<String, AgentInfo> agents;
  private final Feasibility feasibility;
  private final Ledger ledger;

  /** Reads the engine's own maps (live, never changed here). */
  Room(HierarchicalAllocator allocator, Map<String, FrameworkInfo> frameworks, Map<String, Quota> quotas,
      Map<String, AgentInfo> agents, Feasibility feasibility, Ledger ledger) {
    this.allocator = allocator;
    this.frameworks = frameworks;
    this.quotas = quotas;
    this.agents = agents;
    this.feasibility = feasibility;
    this.ledger = ledger;
  }

  /**
   * What the framework could be offered if nothing else held it, when one of its workloads needs
   * to know (a gang, or a CLUSTER without a value): per ACTIVE agent, the capacity no placement
   * uses and no reservation of a role outside the framework's line keeps. {@code null} otherwise.
   */
  List<NodeOffer> capacityFor(String fw, List<WorkloadDemand> demands) {
    boolean needed = demands.stream().anyMatch(d -> d.gang() || d.constraints().stream()
        .anyMatch(c -> c.operator() == Constraint.Operator.CLUSTER && c.value() == null));
    return needed ? capacity(fw, false) : null;
  }

  /**
   * Per ACTIVE agent, what the framework could use: its capacity less what placements use ({@code
   * freeNow}: less everything allocated, outstanding offers included) and less the unused
   * reservations of roles outside the framework's line.
   */
  private List<NodeOffer> capacity(String fw, boolean freeNow) {
    String role = frameworks.get(fw).role();
    Map<String, Map<String, long[]>> reservedUse = reservedUse();
    List<NodeOffer> capacity = new ArrayList<>();
    long id = -1;
    for (AgentInfo a : agents.values()) {
      AgentUsage usage = allocator.usage(a.id());
      if (usage.state() != AgentState.ACTIVE) {
        continue;
      }
      long[] free;
      if (freeNow) {
        free = usage.free().toArray();
      } else {
        free = a.total().toArray();
        long[] u = ledger.placedOn(a.id());
        for (int i = 0; i < free.length; i++) {
          free[i] -= u == null ? 0 : u[i];
        }
      }
      for (Map.Entry<String, Resources> r : a.reservations().entrySet()) {
        if (!RolePaths.isSelfOrDescendant(role, r.getKey())) {
          long[] rUsed = reservedUse.getOrDefault(a.id(), Map.of()).get(r.getKey());
          for (int i = 0; i < free.length; i++) {
            free[i] -= Math.max(0, r.getValue().get(i) - (rUsed == null ? 0 : rUsed[i]));
          }
        }
      }
      for (int i = 0; i < free.length; i++) {
        free[i] = Math.max(0, free[i]);
      }
      Offer o = new Offer(id--, fw, a.id(), a.pool(), Resources.ofArray(allocator.schema(), free), false);
      capacity.add(new NodeOffer(o, a));
    }
    return capacity;
  }

  /** What placements use of each reservation, by agent id, then reservation role: one pass over the placements. */
  private Map<String, Map<String, long[]>> reservedUse() {
    Map<String, Map<String, long[]>> use = new HashMap<>();
    for (Placement p : allocator.placements()) {
      if (p.reserved() != null && !p.reserved().isEmpty()) {
        p.reserved().forEach((r, amount) -> addSaturating(
            use.computeIfAbsent(p.agentId(), k -> new HashMap<>()).computeIfAbsent(r, k -> new long[allocator.schema().size()]),
            amount.toArray()));
      }
    }
    return use;
  }

  /**
   * The free part of the reservations on {@code agent} of {@code role} and its ancestors, given
   * what placements use of them ({@link #reservedUse()}).
   */
  private long[] lineReservedFree(AgentInfo agent, String role, Map<String, Map<String, long[]>> reservedUse) {
    long[] free = new long[allocator.schema().size()];
    Map<String, long[]> used = reservedUse.getOrDefault(agent.id(), Map.of());
    for (Map.Entry<String, Resources> r : agent.reservations().entrySet()) {
      if (RolePaths.isSelfOrDescendant(role, r.getKey())) {
        long[] u = used.get(r.getKey());
        for (int i = 0; i < free.length; i++) {
          free[i] += Math.max(0, r.getValue().get(i) - (u == null ? 0 : u[i]));
        }
      }
    }
    return free;
  }

  /**
   * What the framework's line may still take under its limits as the allocator counts them (a
   * role's reservations, used or not, and every outstanding offer count), with the framework's own
   * outstanding offers added back: they are what it is deciding about. {@code null} when no limit
   * applies.
   */
  Resources roomUnderLimits(String fw) {
    Resources room = allocator.limitRoom(frameworks.get(fw).role());
    return room == null ? null : Resources.ofArray(allocator.schema(), withOwnOffers(fw, room));
  }

  /** {@code room} plus what the framework's outstanding offers hold, saturating. */
  private long[] withOwnOffers(String fw, Resources room) {
    long[] sum = room.toArray();
    for (Offer o : allocator.outstandingOffers()) {
      if (o.frameworkId().equals(fw)) {
        addSaturating(sum, o.resources().toArray());
      }
    }
    return sum;
  }

  /**
   * The framework's role, or an ancestor, whose limit leaves room for none of the pending
   * instances: counting the subtree's placements (revocable ones too), or, failing that, as the
   * allocator counts it ({@link #limitedAsTheAllocatorCounts}). The first count is not the
   * allocator's policy, and stays on purpose: the second credits the line's free reservations on
   * a node as a whole, not as the allocator composes an offer, and alone it let a settled engine
   * call an instance placeable that no offer ever held (event property, seed
   * 9051735969788482674).
   */
  String limitedRole(String fw, List<WorkloadDemand> demands) {
    for (String role = frameworks.get(fw).role(); role != null; role = RolePaths.parent(role)) {
      Quota q = quotas.get(role);
      if (q == null || q.limit().isEmpty()) {
        continue;
      }
      long[] sum = new long[allocator.schema().size()];
      for (Map.Entry<String, long[]> use : ledger.useByFramework().entrySet()) {
        if (RolePaths.isSelfOrDescendant(frameworks.get(use.getKey()).role(), role)) {
          addSaturating(sum, use.getValue());
        }
      }
      Resources use = Resources.ofArray(allocator.schema(), sum);
      boolean room = false;
      for (WorkloadDemand d : demands) {
        Resources after = use.plus(d.resources());
        room |= q.limit().entrySet().stream()
            .allMatch(e -> !allocator.schema().contains(e.getKey()) || after.get(e.getKey()) <= e.getValue());
      }
      if (!room) {
        return role;
      }
    }
    return limitedAsTheAllocatorCounts(fw, demands);
  }

  /**
   * The role of the framework's line whose limit, as the allocator counts it (the role's
   * reservations count, used or not), leaves room for none of the pending instances — beyond what
   * free reservations of the line on some node would cover — or {@code null}. The framework's own
   * outstanding offers are added back to the room: they are what it is deciding about.
   */
  private String limitedAsTheAllocatorCounts(String fw, List<WorkloadDemand> demands) {
    String own = frameworks.get(fw).role();
    List<String> chain = new ArrayList<>();
    for (String role = own; role != null; role = RolePaths.parent(role)) {
      Quota q = quotas.get(role);
      if (q != null && !q.limit().isEmpty()) {
        chain.add(0, role);
      }
    }
    if (chain.isEmpty() || demands.isEmpty()) {
      return null;
    }
    // One pass over every placement, and only when some agent has reservations.
    Map<String, Map<String, long[]>> reservedUse = null;
    Map<AgentInfo, long[]> reservedFree = new LinkedHashMap<>();
    for (AgentInfo a : agents.values()) {
      if (!a.reservations().isEmpty() && allocator.usage(a.id()).state() == AgentState.ACTIVE) {
        if (reservedUse == null) {
          reservedUse = reservedUse();
        }
        reservedFree.put(a, lineReservedFree(a, own, reservedUse));
      }
    }
    // The topmost role whose limit binds is the one to name (a role's room includes its ancestors').
    for (String role : chain) {
      Resources allocatorRoom = allocator.limitRoom(role);
      if (allocatorRoom == null) {
        continue;
      }
      long[] room = withOwnOffers(fw, allocatorRoom);
      boolean fits = false;
      for (WorkloadDemand d : demands) {
        long[] need = d.resources().toArray();
        fits = fitsIn(need, room);
        for (Map.Entry<AgentInfo, long[]> r : reservedFree.entrySet()) {
          if (fits) {
            break;
          }
          if (!feasibility.countFreeAllows(d, r.getKey())) {
            continue;
          }
          long[] beyond = need.clone();
          for (int i = 0; i < beyond.length; i++) {
            beyond[i] = Math.max(0, beyond[i] - r.getValue()[i]);
          }
          fits = fitsIn(beyond, room);
        }
        if (fits) {
          break;
        }
      }
      if (!fits) {
        return role;
      }
    }
    return null;
  }

  /**
   * Pending instances that could run now, each with a node that has room for it: free capacity
   * its framework may use (unreserved, or reserved for its role's line), its constraints holding
   * there, room under its role's limits, and no other role's guarantee unmet (whose headroom the
   * allocator rightly holds back). Gangs are left out: they wait for room for all their instances.
   * The allocator and the schedulers must leave none when the estate is settled: this checks the
   * claim. It visits the whole estate.
   */
  List<String> placeablePending() {
    List<String> placeable = new ArrayList<>();
    Map<String, Map<String, long[]>> reservedUse = reservedUse();
    for (String fw : frameworks.keySet()) {
      String role = frameworks.get(fw).role();
      boolean othersShort = quotas.keySet().stream()
          .anyMatch(r -> !allocator.guaranteeMet(r) && !RolePaths.isSelfOrDescendant(role, r));
      if (othersShort) {
        continue;
      }
      List<NodeOffer> free = null;
      for (WorkloadDemand d : ledger.pending(fw)) {
        if (d.gang() || limitedRole(fw, List.of(d)) != null) {
          continue;
        }
        // The limit as the allocator counts it: the role's reservations count, used or not, so
        // only the part of an instance its line's free reservations do not cover needs room.
        Resources room = allocator.limitRoom(role);
        if (free == null) {
          free = capacity(fw, true);
        }
        List<PlacedInstance> mine = ledger.instancesOfWorkload(d.key());
        List<AgentInfo> fitting = new ArrayList<>();
        for (NodeOffer o : free) {
          boolean fits = d.kind() == WorkloadKind.NODE_LEASE
              ? d.resources().fitsIn(o.agent().total()) && o.offer().resources().equals(o.agent().total())
              : d.resources().fitsIn(o.offer().resources());
          if (fits && room != null) {
            long[] beyond = d.resources().toArray();
            long[] reserved = lineReservedFree(o.agent(), role, reservedUse);
            for (int i = 0; i < beyond.length; i++) {
              beyond[i] = Math.max(0, beyond[i] - reserved[i]);
            }
            fits = Resources.ofArray(allocator.schema(), beyond).fitsIn(room);
          }
          if (fits) {
            fitting.add(o.agent());
          }
        }
        AgentInfo a = Feasibility.firstAdmitting(d, mine, fitting);
        if (a != null) {
          placeable.add(d.instanceIds().get(0) + " of " + d.key() + " (" + d.instanceIds().size()
              + " pending) fits on " + a.id() + " but was not placed");
        }
      }
    }
    return placeable;
  }

  /** Every ACTIVE agent with what is free on it now, for preemption to plan on. */
  List<NodeCapacity> freeNodes() {
    List<NodeCapacity> nodes = new ArrayList<>();
    for (AgentInfo a : agents.values()) {
      AgentUsage usage = allocator.usage(a.id());
      if (usage.state() == AgentState.ACTIVE) {
        nodes.add(new NodeCapacity(a, usage.free()));
      }
    }
    return nodes;
  }
}
