package io.poolbridge.engine;

import static io.poolbridge.engine.Vectors.addSaturating;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.AgentUsage;
import io.poolbridge.allocator.DemandShape;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.Feasibility;
import io.poolbridge.scheduler.PlacedInstance;
import io.poolbridge.scheduler.WorkloadDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What the allocator was told of each framework's demand, and what it must be told at the next
 * tick: the frameworks whose demand changed, those to revive, those suppressed, the pending
 * instances each was last told of, and the dormant gangs whose shape is left out.
 */
final class DemandBook {
  private final HierarchicalAllocator allocator;
  private final Ledger ledger;
  private final Map<String, FrameworkInfo> frameworks;
  private final Map<String, AgentInfo> agents;
  private final Feasibility feasibility;

  private final Set<String> suppressed = new HashSet<>();
  /** Per framework, the pending instances the allocator was told of last. */
  private final Map<String, Set<String>> lastPending = new HashMap<>();
  /**
   * Gangs the estate cannot hold whole now: they are not offered anything (their shape is left
   * out) until a placement, a stop or an event changes the estate. Offered again and again, a gang
   * that declines what it cannot use would keep taking its line's limit room from the others on
   * every cycle.
   */
  private final Set<String> dormant = new HashSet<>();
  /** Frameworks whose demand must be told to the allocator at the next tick. */
  private final Set<String> dirtyFrameworks = new TreeSet<>();
  private final Set<String> reviveRequested = new TreeSet<>();
  /** Per framework whose refuse was shortened, until when filters set under the longer one may last. */
  private final Map<String, Instant> lingering = new HashMap<>();

  /** Reads the engine's own maps (live, never changed here). */
  DemandBook(HierarchicalAllocator allocator, Ledger ledger, Map<String, FrameworkInfo> frameworks,
      Map<String, AgentInfo> agents, Feasibility feasibility) {
    this.allocator = allocator;
    this.ledger = ledger;
    this.frameworks = frameworks;
    this.agents = agents;
    this.feasibility = feasibility;
  }

  /** The framework's demand is told to the allocator at the next tick. */
  void changed(String fw) {
    dirtyFrameworks.add(fw);
  }

  /** The framework is revived at the next tick (its filters cleared, a cycle over every agent). */
  void reviveAtNextTick(String fw) {
    reviveRequested.add(fw);
  }

  /** A framework that left. */
  void forgetFramework(String fw) {
    suppressed.remove(fw);
    lastPending.remove(fw);
    dirtyFrameworks.remove(fw);
    reviveRequested.remove(fw);
    lingering.remove(fw);
  }

  /** The framework's refuse was shortened: filters set under the longer one may last until {@code until}. */
  void refuseShortened(String fw, Instant until) {
    lingering.merge(fw, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** See {@link Engine#quietRounds()}: counted in ticks of {@code interval}, at {@code nowMillis}. */
  int quietRounds(Duration interval, long nowMillis) {
    long longest = interval.toMillis();
    boolean anyPending = false;
    for (Map.Entry<String, Integer> e : ledger.pendingByFramework().entrySet()) {
      // Only the filters of frameworks that still want something can hide a placement.
      if (e.getValue() > 0) {
        anyPending = true;
        longest = Math.max(longest, frameworks.get(e.getKey()).refuse().toMillis());
        Instant until = lingering.get(e.getKey());
        if (until != null) {
          long left = until.toEpochMilli() - nowMillis;
          if (left > 0) {
            longest = Math.max(longest, left);
          }
        }
      }
    }
    if (!anyPending) {
      return 1;
    }
    long step = Math.max(1, interval.toMillis());
    return (int) ((longest + step - 1) / step) + 1;
  }

  /** A framework that moved to another role is new to the allocator: not suppressed, told nothing yet. */
  void roleChanged(String fw) {
    suppressed.remove(fw);
    lastPending.remove(fw);
  }

  boolean isSuppressed(String fw) {
    return suppressed.contains(fw);
  }

  boolean isDormant(String workloadKey) {
    return dormant.contains(workloadKey);
  }

  /** The estate cannot hold the gang whole now: it is offered nothing until the estate changes. */
  void sleep(String workloadKey) {
    dormant.add(workloadKey);
  }

  /** A deleted workload. */
  void forgetWorkload(String workloadKey) {
    dormant.remove(workloadKey);
  }

  /** Gangs the estate could not hold are offered again: the estate changed. */
  void wake() {
    for (String key : dormant) {
      WorkloadDemand d = ledger.workload(key);
      if (d != null) {
        dirtyFrameworks.add(d.frameworkId());
      }
    }
    dormant.clear();
  }

  /** Wakes the dormant gangs, and tells their frameworks' demand at once (for the cycle that follows). */
  void wakeAndTell() {
    Set<String> woken = new TreeSet<>();
    dormant.forEach(key -> woken.add(ledger.workload(key).frameworkId()));
    wake();
    woken.forEach(this::tell);
  }

  /**
   * Tells the allocator the demand of the frameworks whose demand changed, is unmet, or that are to
   * be revived; suppresses those with nothing pending. Returns the frameworks to revive now (new
   * pending instances, no longer suppressed, or revival asked for), in order.
   */
  List<String> sync() {
    List<String> reviving = new ArrayList<>();
    // Frameworks whose demand changed, or is unmet (its shapes follow the estate): the others'
    // demand is what the allocator was told last.
    Set<String> visit = new TreeSet<>(dirtyFrameworks);
    ledger.pendingByFramework().forEach((fw, n) -> {
      if (n > 0) {
        visit.add(fw);
      }
    });
    visit.addAll(reviveRequested);
    dirtyFrameworks.clear();
    for (String fw : visit) {
      Set<String> ids = tell(fw);
      if (ids.isEmpty()) {
        if (suppressed.add(fw)) {
          allocator.suppress(fw);
        }
      } else if (suppressed.remove(fw) || reviveRequested.contains(fw)
          || !lastPending.getOrDefault(fw, Set.of()).containsAll(ids)) {
        reviving.add(fw);
      }
      lastPending.put(fw, ids);
    }
    reviveRequested.clear();
    return reviving;
  }

  /**
   * Tells the allocator the framework's demand: the sum over its pending instances, and the shape
   * of each pending workload but the dormant ones (what one instance needs, on the agents its
   * constraints admit): level 1 offers the framework only what holds one of them. Returns the
   * pending instance ids.
   */
  Set<String> tell(String fw) {
    Set<String> ids = new LinkedHashSet<>();
    long[] demand = new long[allocator.schema().size()];
    List<DemandShape> shapes = new ArrayList<>();
    for (WorkloadDemand d : ledger.pending(fw)) {
      ids.addAll(d.instanceIds());
      if (!dormant.contains(d.key())) {
        List<PlacedInstance> mine = ledger.instancesOfWorkload(d.key());
        shapes.add(feasibility.shape(d, mine, agents.values(), hasRoomFor(d)));
      }
      long[] one = d.resources().toArray();
      for (int i = 0; i < d.instanceIds().size(); i++) {
        addSaturating(demand, one);
      }
    }
    allocator.updateDemandShapes(fw, Resources.ofArray(allocator.schema(), demand), shapes);
    allocator.limitOffers(fw, offerBreadth(ids.size()));
    return ids;
  }

  private Predicate<AgentInfo> hasRoomFor(WorkloadDemand d) {
    return a -> {
      AgentUsage usage = allocator.usage(a.id());
      return usage.state() == AgentState.ACTIVE && d.resources().fitsIn(usage.free());
    };
  }

  /**
   * How many outstanding offers a framework with {@code pending} instances may hold: enough for
   * its scheduler to choose among many nodes per instance (cheapest pool, spread or bin-pack,
   * constraints), not every agent of a large estate. Offering 10,000 agents to place 10 instances
   * and declining 9,990 made a tick after one new workload cost tens of milliseconds; the agents
   * declined are filtered for the refuse time, so later cycles offer others.
   */
  static int offerBreadth(int pending) {
    long breadth = Math.max((long) Engine.MIN_OFFER_BREADTH, (long) Engine.OFFERS_PER_PENDING_INSTANCE * pending);
    return (int) Math.min(Integer.MAX_VALUE, breadth);
  }
}
