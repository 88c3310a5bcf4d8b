package io.poolbridge.benchmarks.placement;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AllocatorConfig;
import io.poolbridge.allocator.CycleResult;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.time.ManualClock;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.Placement;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.benchmarks.placement.PlacementEstate.Framework;
import io.poolbridge.benchmarks.placement.PlacementEstate.Node;
import io.poolbridge.benchmarks.placement.PlacementEstate.Rule;
import io.poolbridge.benchmarks.placement.PlacementEstate.Workload;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.Decisions;
import io.poolbridge.scheduler.FrameworkScheduler;
import io.poolbridge.scheduler.NodeOffer;
import io.poolbridge.scheduler.OfferDecision;
import io.poolbridge.scheduler.PlacedInstance;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.SchedulingRequest;
import io.poolbridge.scheduler.Strategy;
import io.poolbridge.scheduler.WorkloadDemand;

import java.time.Duration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * poolbridge as a user gets it: level 1 ({@link HierarchicalAllocator}) and level 2 ({@link
 * FrameworkScheduler}) through their public APIs, as the operator drives them. One round is one
 * allocation cycle over every agent, then every framework's scheduling call over its offers, then
 * the accepts and declines of its decisions.
 *
 * <p>The state (allocator with its agents, weighted roles and frameworks; the demands) is built
 * by {@link #PoolbridgeRound} and is not timed. {@link #placeAll} runs rounds until nothing is
 * pending (each round one allocation interval of 1 s later, so that refuse filters behave as in
 * the operator); the benchmark times it and reports the rounds it took.
 */
public final class PoolbridgeRound {
  static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");
  static final long MIB = 1L << 20;

  private final PlacementEstate estate;
  private final ManualClock clock = new ManualClock();
  private final HierarchicalAllocator allocator;
  private final FrameworkScheduler scheduler = new FrameworkScheduler(Prices.NONE);
  private final Map<String, AgentInfo> agents = new HashMap<>();
  private final Map<String, Integer> nodeIndex = new HashMap<>();
  private final Map<String, List<WorkloadDemand>> demands = new LinkedHashMap<>();
  private final Set<String> placedIds = new HashSet<>();
  private final Map<String, WorkloadDemand> byKey = new HashMap<>();
  /** Per framework, its instances placed in earlier rounds, which its constraints count. */
  private final Map<String, List<PlacedInstance>> running = new HashMap<>();
  private final Map<String, Integer> placement = new HashMap<>();
  private int rounds;
  private int placedCount;
  /** The scheduling decisions of the last round, by framework, not yet taken note of by {@link #record}. */
  private final Map<String, Decisions> unrecorded = new LinkedHashMap<>();
  /** Time spent in each phase over the rounds run, in nanoseconds: allocate, schedule, accept/decline. */
  public long allocateNanos;
  public long scheduleNanos;
  public long acceptNanos;
  /** The scheduling requests of the last round, for timing level 2 alone ({@link PlacementMain}). */
  public final List<SchedulingRequest> requests = new ArrayList<>();

  public PoolbridgeRound(PlacementEstate estate) {
    this.estate = estate;
    allocator = new HierarchicalAllocator(SCHEMA, new AllocatorConfig(clock, Duration.ofSeconds(1), 42));
    Resources total = resources(PlacementEstate.NODE_CPU_MILLIS, PlacementEstate.NODE_MEMORY_MIB);
    for (Node n : estate.nodes) {
      AgentInfo a = new AgentInfo(n.id(), n.pool(), n.attributes(), total, Map.of());
      allocator.addAgent(a);
      agents.put(a.id(), a);
      nodeIndex.put(a.id(), n.index());
    }
    Resources each = resources(PlacementEstate.INSTANCE_CPU_MILLIS, PlacementEstate.INSTANCE_MEMORY_MIB);
    for (Framework f : estate.frameworks) {
      allocator.setWeight(f.id(), f.weight());
      allocator.addFramework(FrameworkInfo.of(f.id(), f.id()));
      demands.put(f.id(), new ArrayList<>());
      running.put(f.id(), new ArrayList<>());
    }
    long created = 0;
    for (Workload w : estate.workloads) {
      WorkloadDemand.Builder b = WorkloadDemand.builder(w.key(), w.framework().id(), each)
          .instanceIds(w.instanceIds())
          .priority(w.priority())
          .created(created++)
          .strategy(Strategy.SPREAD);
      if (w.rule() != null) {
        b.constraint(constraint(w.rule()));
      }
      WorkloadDemand d = b.build();
      demands.get(w.framework().id()).add(d);
      byKey.put(d.key(), d);
    }
    for (Framework f : estate.frameworks) {
      allocator.updateDemand(f.id(), pendingDemand(f.id()));
    }
    // Sized for the instances the Workloads declare, as `simulate` does; untimed, like the demand.
    allocator.expectPlacements(estate.instanceCount());
  }

  static Resources resources(long millicores, long memoryMib) {
    return Resources.of(SCHEMA, "cpu", millicores, "memory", memoryMib * MIB);
  }

  static Constraint constraint(Rule r) {
    Constraint.Operator op = Constraint.Operator.valueOf(r.op().name());
    return r.value() == null ? Constraint.of(r.attribute(), op) : Constraint.of(r.attribute(), op, r.value());
  }

  private Resources pendingDemand(String fw) {
    long n = 0;
    for (WorkloadDemand d : demands.get(fw)) {
      n += d.instanceIds().stream().filter(id -> !placedIds.contains(id)).count();
    }
    return resources(n * PlacementEstate.INSTANCE_CPU_MILLIS, n * PlacementEstate.INSTANCE_MEMORY_MIB);
  }

  /** One round: a cycle, every framework's scheduling call, its accepts and declines; the instances placed. */
  public int round() {
    rounds++;
    clock.advance(java.time.Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    CycleResult cycle = allocator.allocate();
    allocateNanos += System.nanoTime() - t0;
    Map<String, List<NodeOffer>> offers = new HashMap<>();
    for (Offer o : cycle.offers()) {
      offers.computeIfAbsent(o.frameworkId(), k -> new ArrayList<>()).add(new NodeOffer(o, agents.get(o.agentId())));
    }
    int placed = 0;
    requests.clear();
    for (Framework f : estate.frameworks) {
      List<NodeOffer> mine = offers.getOrDefault(f.id(), List.of());
      List<WorkloadDemand> pending = pending(f.id());
      if (pending.isEmpty()) {
        mine.forEach(o -> allocator.decline(o.offer().id(), null));
        continue;
      }
      SchedulingRequest request = new SchedulingRequest(f.id(), null, mine, pending, running.get(f.id()));
      requests.add(request);
      long t1 = System.nanoTime();
      Decisions d = scheduler.schedule(request);
      long t2 = System.nanoTime();
      scheduleNanos += t2 - t1;
      for (OfferDecision od : d.offers()) {
        if (od.accepted()) {
          allocator.accept(od.offer().id(), od.launches());
        } else {
          allocator.decline(od.offer().id(), od.refuse());
        }
      }
      acceptNanos += System.nanoTime() - t2;
      unrecorded.put(f.id(), d);
      placed += d.assignments().size();
    }
    placedCount += placed;
    return placed;
  }

  /**
   * Takes note of the round's assignments: they are no longer pending, and the constraints of the
   * next round count them. Only needed when another round follows (or to report the placement),
   * so a round that places everything does not pay for it.
   */
  private void record() {
    unrecorded.forEach((fw, d) -> {
      for (Assignment a : d.assignments()) {
        placedIds.add(a.instanceId());
        placement.put(a.instanceId(), nodeIndex.get(a.agentId()));
        running.get(fw).add(PlacedInstance.of(
            byKey.get(a.workloadKey()), a.instanceId(), agents.get(a.agentId()), a.resources(), a.revocable()));
      }
    });
    unrecorded.clear();
  }

  /** The framework's workloads with the instances not placed yet. */
  private List<WorkloadDemand> pending(String fw) {
    if (placedCount == 0) {
      return demands.get(fw);
    }
    List<WorkloadDemand> list = new ArrayList<>();
    for (WorkloadDemand d : demands.get(fw)) {
      List<String> ids = d.instanceIds().stream().filter(id -> !placedIds.contains(id)).toList();
      if (!ids.isEmpty()) {
        list.add(d.withInstances(ids));
      }
    }
    return list;
  }

  /** Rounds until every instance is placed (at most {@code maxRounds}); the rounds run. */
  public int placeAll(int maxRounds) {
    int total = estate.instanceCount();
    while (placedCount < total && rounds < maxRounds) {
      record();
      round();
    }
    return rounds;
  }

  /** Instance id to node index, from the allocator's own placements. */
  public Map<String, Integer> placement() {
    record();
    Map<String, Integer> fromAllocator = new HashMap<>();
    for (Placement p : allocator.placements()) {
      fromAllocator.put(p.instanceId(), nodeIndex.get(p.agentId()));
    }
    if (!fromAllocator.equals(placement)) {
      throw new IllegalStateException("the allocator's placements differ from the accepted launches");
    }
    return fromAllocator;
  }

  public int rounds() {
    return rounds;
  }

}
