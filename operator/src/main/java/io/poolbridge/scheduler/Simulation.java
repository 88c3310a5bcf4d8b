package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.AgentUsage;
import io.poolbridge.allocator.Allocator;
import io.poolbridge.allocator.AllocatorConfig;
import io.poolbridge.allocator.CycleResult;
import io.poolbridge.allocator.DemandShape;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.time.ManualClock;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.Placement;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.allocator.Revocation;
import io.poolbridge.allocator.RolePaths;
import io.poolbridge.scheduler.Preemption.Eviction;
import io.poolbridge.scheduler.Preemption.NodeCapacity;
import io.poolbridge.scheduler.Preemption.Plan;
import io.poolbridge.scheduler.Preemption.Preemptor;
import io.poolbridge.scheduler.SimulationReport.WorkloadReport;

import java.time.Duration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Both levels together, in simulated time: a {@link HierarchicalAllocator} and a {@link
 * FrameworkScheduler} per framework, run until the estate is stable. Plain Java, deterministic:
 * the same estate, submissions and seed give the same report.
 *
 * <p>Each round advances a simulated clock by one allocation interval (so refuse filters expire
 * predictably), then:
 *
 * <ol>
 *   <li>tells the allocator every framework's pending demand ({@code updateDemand}); suppresses a
 *       framework with nothing pending, and revives one that has new pending instances (as a Mesos
 *       framework does when it gets new work), which also clears its filters;
 *   <li>runs an allocation cycle; revocable placements it takes back, and placements on agents that
 *       left {@code ACTIVE}, are recovered and their instances wait to be placed again;
 *   <li>gives every framework with pending instances its offers; accepts what the scheduler
 *       launches and declines the rest (with the framework's refuse filter).
 * </ol>
 *
 * <p>It stops when no round changed anything for long enough that every refuse filter has expired
 * and the capacity behind it was offered again ({@code ceil(refuse / interval) + 1} rounds). At that
 * point, instances still pending (except those held back by a role limit, and those room was
 * already made for once and that have not run since) may preempt: the {@link
 * Preemption} plan is carried out (victims recovered), and the preemptors' frameworks revive
 * while the others are suppressed for that one cycle, so the freed room is offered to the
 * preemptors rather than back to the victims; then the rounds go on. (The planner does not know
 * the allocator's policy: headroom held for other roles' guarantees, or a limit, may still keep
 * the freed room from the preemptor, hence "once".) Stopping one instance of a gang, for any
 * reason, stops the whole gang, which is then placed again all at once.
 */
public final class Simulation {
  private final Duration interval;
  private final ManualClock clock = new ManualClock();
  private final HierarchicalAllocator allocator;
  private final FrameworkScheduler scheduler;
  private final Map<String, AgentInfo> agents = new LinkedHashMap<>();
  private final Map<String, FrameworkInfo> frameworks = new TreeMap<>();
  private final Map<String, Quota> quotas = new HashMap<>();
  private final Map<String, WorkloadDemand> workloads = new LinkedHashMap<>();
  private final Map<String, Running> running = new LinkedHashMap<>();
  private final Map<String, Unplaced> waiting = new HashMap<>();
  private final Set<String> suppressed = new HashSet<>();
  /** Pending instances room was made for, that have not run since: they do not preempt again. */
  private final Set<String> preempted = new HashSet<>();
  private final Map<String, Set<String>> lastPending = new HashMap<>();
  /** Gang workloads holding the offers they gathered: for how many rounds in a row. */
  private final Map<String, Integer> holds = new HashMap<>();
  private final List<String> events = new ArrayList<>();
  private int round;
  private boolean changed;

  private record Running(Assignment assignment, PlacedInstance instance) {}

  /**
   * @param prices per-pool prices the schedulers prefer the cheapest of
   * @param interval simulated time per round: the allocation interval
   * @param seed the allocator's seed (agent visiting order)
   */
  public Simulation(ResourceSchema schema, Prices prices, Duration interval, long seed) {
    this.interval = interval;
    this.allocator = new HierarchicalAllocator(schema, new AllocatorConfig(clock, interval, seed));
    this.scheduler = new FrameworkScheduler(prices);
  }

  /** The allocator, for what the simulation does not wrap: weights, agent states. */
  public Allocator allocator() {
    return allocator;
  }

  public void addAgent(AgentInfo agent) {
    allocator.addAgent(agent);
    agents.put(agent.id(), agent);
  }

  public void addFramework(FrameworkInfo framework) {
    allocator.addFramework(framework);
    frameworks.put(framework.id(), framework);
  }

  /** Sets a role's quota; its limit also names the reason of instances it holds back. */
  public void setQuota(String role, Quota quota) {
    allocator.setQuota(role, quota);
    quotas.put(role, quota);
  }

  /** Adds a workload; all its instances are pending. */
  public void submit(WorkloadDemand workload) {
    if (!frameworks.containsKey(workload.frameworkId())) {
      throw new IllegalArgumentException("workload " + workload.key() + " uses unknown framework " + workload.frameworkId());
    }
    if (workloads.putIfAbsent(workload.key(), workload) != null) {
      throw new IllegalArgumentException("workload " + workload.key() + " already submitted");
    }
  }

  /** Runs rounds until stable, or {@code maxRounds} more rounds. */
  public SimulationReport run(int maxRounds) {
    // Once per run, not per round: the workloads only change between runs.
    allocator.expectPlacements(workloads.values().stream().mapToInt(d -> d.instanceIds().size()).sum());
    int quiet = 0;
    for (int i = 0; i < maxRounds; i++) {
      round++;
      clock.advance(interval);
      quiet = round() ? 0 : quiet + 1;
      if (quiet >= quietRounds()) {
        if (!preempt()) {
          // "Stable" is a claim: nothing placeable may be left pending.
          List<String> placeable = placeablePending();
          placeable.forEach(p -> events.add("round " + round + ": not stable: " + p));
          return report(placeable.isEmpty());
        }
        quiet = 0;
      }
    }
    return report(false);
  }

  private int quietRounds() {
    long longest = interval.toMillis();
    boolean anyPending = false;
    for (FrameworkInfo f : frameworks.values()) {
      // Only the filters of frameworks that still want something can hide a placement.
      if (!pending(f.id()).isEmpty()) {
        anyPending = true;
        longest = Math.max(longest, f.refuse().toMillis());
      }
    }
    if (!anyPending) {
      return 1;
    }
    long step = Math.max(1, interval.toMillis());
    return (int) ((longest + step - 1) / step) + 1;
  }

  /** One round; whether it changed anything. */
  private boolean round() {
    changed = false;
    syncDemand();
    absorb(allocator.allocate());
    Map<String, List<Offer>> offers = new HashMap<>();
    for (Offer o : allocator.outstandingOffers()) {
      offers.computeIfAbsent(o.frameworkId(), k -> new ArrayList<>()).add(o);
    }
    for (String fw : frameworks.keySet()) {
      changed |= schedule(fw, offers.getOrDefault(fw, List.of()));
    }
    if (changed) {
      // Something was placed: a gang that ran out of its hold may try again on the new state.
      holds.values().removeIf(n -> n >= maxGangHold());
    }
    return changed;
  }

  /** Carries out what a cycle takes back: revocations, and placements on agents that left ACTIVE. */
  private void absorb(CycleResult cycle) {
    for (Revocation r : cycle.revocations()) {
      changed |= stop(r.placement().instanceId(), "revoked: borrowed capacity reclaimed by role " + r.owner());
    }
    for (Placement p : cycle.toMove()) {
      changed |= stop(p.instanceId(), "moved off " + p.agentId() + " (" + allocator.usage(p.agentId()).state() + ")");
    }
  }

  private void syncDemand() {
    List<String> reviving = new ArrayList<>();
    Map<String, List<PlacedInstance>> runningByWorkload = new HashMap<>();
    for (Running r : running.values()) {
      runningByWorkload.computeIfAbsent(r.instance().workloadKey(), k -> new ArrayList<>()).add(r.instance());
    }
    for (String fw : frameworks.keySet()) {
      List<WorkloadDemand> pending = pending(fw);
      Set<String> ids = new LinkedHashSet<>();
      Resources demand = Resources.none(allocator.schema());
      // What one pending instance needs (a node lease: the smallest node it accepts): level 1
      // offers the framework only what holds one of them.
      // Each with the agents its count-free constraints admit (a required value, a pattern), so
      // that a node none of the demand may use is not offered (and held against a limit) at all.
      List<DemandShape> shapes = new ArrayList<>();
      for (WorkloadDemand d : pending) {
        ids.addAll(d.instanceIds());
        shapes.add(shapeOf(d, runningByWorkload.getOrDefault(d.key(), List.of())));
        for (int i = 0; i < d.instanceIds().size(); i++) {
          demand = demand.plus(d.resources());
        }
      }
      allocator.updateDemandShapes(fw, demand, shapes);
      if (ids.isEmpty()) {
        if (suppressed.add(fw)) {
          allocator.suppress(fw);
        }
      } else if (suppressed.remove(fw) || !lastPending.getOrDefault(fw, Set.of()).containsAll(ids)) {
        reviving.add(fw);
      }
      lastPending.put(fw, ids);
    }
    // A revive runs a cycle, and its reclaim reads every owner's demand: only once all of them
    // are current (an owner whose instance was placed last round wants nothing more), or it
    // revokes again for demand already met.
    reviving.forEach(fw -> absorb(allocator.revive(fw)));
  }

  /** Per workload, the agents its count-free constraints admit, remembered by agent id. */
  private final Map<String, Map<String, Boolean>> admitted = new HashMap<>();

  /**
   * One pending workload's shape for level 1: its per-instance resources, on the agents where one
   * more instance may go now. That is where its count-free constraints hold (remembered per agent)
   * and, by the counts of its running instances, its {@code UNIQUE}, {@code MAX_PER} and bound
   * {@code CLUSTER} constraints too: those counts only grow until the next cycle, so a node they
   * reject now is of no use to it in this one; and its {@code GROUP_BY}: the least-used values among
   * those it uses and those of the nodes with room for an instance now.
   */
  private DemandShape shapeOf(WorkloadDemand d, List<PlacedInstance> mine) {
    if (d.constraints().isEmpty()) {
      return DemandShape.anywhere(d.resources());
    }
    ConstraintState state = new ConstraintState(d.constraints(), mine);
    List<Constraint> counted = d.constraints().stream().filter(c -> !c.countFree()).toList();
    // GROUP_BY admits the least-used values among those used and those of the nodes with room for
    // an instance now (the scheduler's domain, over the whole estate rather than one offer set).
    Map<String, Integer> groupMinimum = new HashMap<>();
    for (Constraint c : counted) {
      if (c.operator() == Constraint.Operator.GROUP_BY && !groupMinimum.containsKey(c.attribute())) {
        Set<String> domain = new HashSet<>();
        for (AgentInfo a : agents.values()) {
          String v = a.attributes().get(c.attribute());
          if (v != null && countFreeAllows(d, a) && allocator.usage(a.id()).state() == AgentState.ACTIVE
              && d.resources().fitsIn(allocator.usage(a.id()).free())) {
            domain.add(v);
          }
        }
        groupMinimum.put(c.attribute(), c.groupMinimum(state.used(c.attribute()), domain));
      }
    }
    return new DemandShape(d.resources(), agent -> {
      if (!countFreeAllows(d, agent)) {
        return false;
      }
      for (Constraint c : counted) {
        int min = c.operator() == Constraint.Operator.GROUP_BY ? groupMinimum.get(c.attribute()) : 0;
        if (!c.admits(agent.attributes().get(c.attribute()), state.used(c.attribute()), min)) {
          return false;
        }
      }
      return true;
    });
  }

  /** Whether no constraint of {@code d} rejects the agent whatever the counts (remembered per agent). */
  private boolean countFreeAllows(WorkloadDemand d, AgentInfo agent) {
    Map<String, Boolean> seen = admitted.computeIfAbsent(d.key(), k -> new HashMap<>());
    return seen.computeIfAbsent(agent.id(), id -> {
      for (Constraint c : d.constraints()) {
        if (c.rejectsAlways(agent.attributes().get(c.attribute()))) {
          return false;
        }
      }
      return true;
    });
  }

  /** The framework's workloads with their instances that are not running. */
  private List<WorkloadDemand> pending(String fw) {
    List<WorkloadDemand> list = new ArrayList<>();
    for (WorkloadDemand d : workloads.values()) {
      if (d.frameworkId().equals(fw)) {
        List<String> ids = d.instanceIds().stream().filter(id -> !running.containsKey(id)).toList();
        if (!ids.isEmpty()) {
          list.add(d.withInstances(ids));
        }
      }
    }
    return list;
  }

  private boolean schedule(String fw, List<Offer> offers) {
    List<WorkloadDemand> demands = pending(fw);
    if (demands.isEmpty()) {
      offers.forEach(o -> allocator.decline(o.id(), null));
      return false;
    }
    List<NodeOffer> nodeOffers = offers.stream().map(o -> new NodeOffer(o, agents.get(o.agentId()))).toList();
    List<PlacedInstance> placed = running.values().stream().map(Running::instance).filter(p -> p.frameworkId().equals(fw)).toList();
    Set<String> holdDenied = new HashSet<>();
    for (WorkloadDemand d : demands) {
      if (holds.getOrDefault(d.key(), 0) >= maxGangHold()) {
        holdDenied.add(d.key());
      }
    }
    Decisions decisions = scheduler.schedule(new SchedulingRequest(
        fw, limitedRole(fw, demands), nodeOffers, demands, placed, capacityFor(fw, demands), holdDenied,
        roomUnderLimits(fw)));
    for (WorkloadDemand d : demands) {
      if (decisions.holding().contains(d.key())) {
        holds.merge(d.key(), 1, Integer::sum);
      } else if (!holdDenied.contains(d.key())) {
        // Placed or cannot complete: its count starts again. A gang whose hold ran out stays
        // denied until the estate changes (round()): holding again on the same state would only
        // keep from the others what it failed to gather.
        holds.remove(d.key());
      }
    }
    for (OfferDecision od : decisions.offers()) {
      if (od.accepted()) {
        allocator.accept(od.offer().id(), od.launches());
      } else {
        allocator.decline(od.offer().id(), od.refuse());
      }
    }
    for (Assignment a : decisions.assignments()) {
      WorkloadDemand d = workloads.get(a.workloadKey());
      PlacedInstance p = PlacedInstance.of(d, a.instanceId(), agents.get(a.agentId()), a.resources(), a.revocable());
      running.put(a.instanceId(), new Running(a, p));
      waiting.remove(a.instanceId());
      preempted.remove(a.instanceId());
    }
    Map<String, Reason> refined = new HashMap<>();
    for (Unplaced u : decisions.unplaced()) {
      if (u.reason().message().contains(FrameworkScheduler.NO_OFFERS)) {
        Reason better = refined.computeIfAbsent(u.workloadKey(), k -> whyNoNode(workloads.get(k)));
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
    return !decisions.assignments().isEmpty();
  }

  /**
   * How many rounds in a row a gang may hold the offers it gathered without completing, so that the
   * capacity it holds is offered on at least that often.
   */
  private int maxGangHold() {
    // Half the quiet rounds: a hold that ends is seen (and its nodes offered on) before the
    // simulation could call the estate stable.
    return Math.max(1, quietRounds() / 2);
  }

  /**
   * When a framework was offered nothing, the estate may still say why better than "no offers": no
   * node that takes new work lets the instance's constraints hold, or none is big enough for it,
   * however empty. {@code null} when some node could hold it (then capacity in use, held back, or
   * filtered is the reason).
   */
  private Reason whyNoNode(WorkloadDemand d) {
    List<AgentInfo> allowed = new ArrayList<>();
    for (AgentInfo a : agents.values()) {
      if (allocator.usage(a.id()).state() == AgentState.ACTIVE && countFreeAllows(d, a)) {
        allowed.add(a);
      }
    }
    if (allowed.isEmpty()) {
      ConstraintState state = new ConstraintState(d.constraints(), List.of());
      List<AgentInfo> active = agents.values().stream()
          .filter(a -> allocator.usage(a.id()).state() == AgentState.ACTIVE).toList();
      return active.isEmpty() || d.constraints().isEmpty()
          ? new Reason(Reason.Code.NO_OFFERS, "No node takes new work")
          : new Reason(Reason.Code.CONSTRAINT, state.explain(active, state.domain(active)).replace("offered node", "node"));
    }
    if (allowed.stream().noneMatch(a -> d.resources().fitsIn(a.total()))) {
      Set<String> pools = new java.util.TreeSet<>();
      boolean[] shortOf = new boolean[allocator.schema().size()];
      for (AgentInfo a : allowed) {
        pools.add(a.pool());
        Amounts.shortOf(d.resources(), a.total()).forEach(n -> shortOf[allocator.schema().indexOf(n)] = true);
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < shortOf.length; i++) {
        if (shortOf[i]) {
          names.add(allocator.schema().name(i));
        }
      }
      return new Reason(Reason.Code.INSUFFICIENT_RESOURCES, "Insufficient " + String.join(",", names) + " in pools "
          + String.join(",", pools) + ": no node is big enough for one instance of " + Amounts.format(d.resources()));
    }
    return null;
  }

  /**
   * What the framework could be offered if nothing else held it, when one of its workloads needs
   * to know (a gang, or a CLUSTER without a value): per ACTIVE agent, the capacity no placement
   * uses and no reservation of a role outside the framework's line keeps. {@code null} otherwise.
   */
  private List<NodeOffer> capacityFor(String fw, List<WorkloadDemand> demands) {
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
    Map<String, long[]> used = new HashMap<>();
    for (Placement p : allocator.placements()) {
      add(used.computeIfAbsent(p.agentId(), k -> new long[allocator.schema().size()]), p.resources().toArray());
    }
    Map<String, Map<String, long[]>> reservedUse = reservedUse();
    List<NodeOffer> capacity = new ArrayList<>();
    long id = -1;
    for (AgentInfo a : agents.values()) {
      if (allocator.usage(a.id()).state() != AgentState.ACTIVE) {
        continue;
      }
      long[] free;
      if (freeNow) {
        free = allocator.usage(a.id()).free().toArray();
      } else {
        free = a.total().toArray();
        long[] u = used.get(a.id());
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
        p.reserved().forEach((r, amount) -> add(
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

  private static void add(long[] into, long[] amount) {
    for (int i = 0; i < into.length; i++) {
      into[i] += amount[i];
    }
  }

  /**
   * What the framework's line may still take under its limits as the allocator counts them (a
   * role's reservations, used or not, and every outstanding offer count), with the framework's own
   * outstanding offers added back: they are what it is deciding about. {@code null} when no limit
   * applies.
   */
  private Resources roomUnderLimits(String fw) {
    Resources room = allocator.limitRoom(frameworks.get(fw).role());
    return room == null ? null : Resources.ofArray(allocator.schema(), withOwnOffers(fw, room));
  }

  /** {@code room} plus what the framework's outstanding offers hold, saturating. */
  private long[] withOwnOffers(String fw, Resources room) {
    long[] sum = room.toArray();
    for (Offer o : allocator.outstandingOffers()) {
      if (o.frameworkId().equals(fw)) {
        for (int i = 0; i < sum.length; i++) {
          long s = sum[i] + o.resources().get(i);
          sum[i] = s < sum[i] ? Long.MAX_VALUE : s;
        }
      }
    }
    return sum;
  }

  /**
   * The framework's role, or an ancestor, whose limit leaves room for none of the pending
   * instances: counting the subtree's placements (revocable ones too), or, failing that, as the
   * allocator counts it ({@link #limitedAsTheAllocatorCounts}).
   */
  private String limitedRole(String fw, List<WorkloadDemand> demands) {
    for (String role = frameworks.get(fw).role(); role != null; role = RolePaths.parent(role)) {
      Quota q = quotas.get(role);
      if (q == null || q.limit().isEmpty()) {
        continue;
      }
      Resources use = Resources.none(allocator.schema());
      for (Running r : running.values()) {
        if (RolePaths.isSelfOrDescendant(frameworks.get(r.instance().frameworkId()).role(), role)) {
          use = use.plus(r.instance().resources());
        }
      }
      boolean room = false;
      for (WorkloadDemand d : demands) {
        Resources after = use.plus(d.resources());
        room |= q.limit().entrySet().stream().allMatch(e -> after.get(e.getKey()) <= e.getValue());
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
    Map<String, Map<String, long[]>> reservedUse = reservedUse();
    Map<AgentInfo, long[]> reservedFree = new LinkedHashMap<>();
    for (AgentInfo a : agents.values()) {
      if (!a.reservations().isEmpty() && allocator.usage(a.id()).state() == AgentState.ACTIVE) {
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
          if (!countFreeAllows(d, r.getKey())) {
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

  private static boolean fitsIn(long[] need, long[] room) {
    for (int i = 0; i < need.length; i++) {
      if (need[i] > room[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Pending instances that could run now, each with a node that has room for it: free capacity
   * its framework may use (unreserved, or reserved for its role's line), its constraints holding
   * there, room under its role's limits, and no other role's guarantee unmet (whose headroom the
   * allocator rightly holds back). Gangs are left out: they wait for room for all their instances.
   * The allocator and the schedulers must leave none when the estate is called stable.
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
      for (WorkloadDemand d : pending(fw)) {
        if (d.gang() || limitedRole(fw, List.of(d)) != null) {
          continue;
        }
        // The limit as the allocator counts it: the role's reservations count, used or not, so
        // only the part of an instance its line's free reservations do not cover needs room.
        Resources room = allocator.limitRoom(role);
        if (free == null) {
          free = capacity(fw, true);
        }
        List<PlacedInstance> running = this.running.values().stream().map(Running::instance)
            .filter(p -> p.workloadKey().equals(d.key())).toList();
        ConstraintState state = new ConstraintState(d.constraints(), running);
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
        Map<String, Set<String>> domain = state.domain(fitting);
        for (AgentInfo a : fitting) {
          if (state.firstUnmet(a, domain) == null) {
            placeable.add(d.instanceIds().get(0) + " of " + d.key() + " (" + d.instanceIds().size()
                + " pending) fits on " + a.id() + " but was not placed");
            break;
          }
        }
      }
    }
    return placeable;
  }

  /** Stops a running instance (and the rest of its gang): recovered in the allocator, pending again. */
  private boolean stop(String instanceId, String why) {
    Running r = running.remove(instanceId);
    if (r == null) {
      return false;
    }
    allocator.recover(instanceId);
    String key = r.instance().workloadKey();
    events.add("round " + round + ": " + instanceId + " of " + key + " " + why);
    if (r.instance().gang()) {
      workloads.get(key).instanceIds().forEach(id -> stop(id, "stopped with its gang"));
    }
    return true;
  }

  /** Plans and carries out preemptions for the instances still pending; whether any happened. */
  private boolean preempt() {
    List<Preemptor> preemptors = new ArrayList<>();
    for (String fw : frameworks.keySet()) {
      boolean belowGuarantee = !allocator.guaranteeMet(frameworks.get(fw).role());
      for (WorkloadDemand d : pending(fw)) {
        for (String id : d.instanceIds()) {
          Unplaced u = waiting.get(id);
          if (u != null && u.reason().code() != Reason.Code.ROLE_LIMIT && !preempted.contains(id)) {
            preemptors.add(new Preemptor(d, id, belowGuarantee));
          }
        }
      }
    }
    if (preemptors.isEmpty()) {
      return false;
    }
    List<NodeCapacity> nodes = new ArrayList<>();
    for (AgentInfo a : agents.values()) {
      AgentUsage usage = allocator.usage(a.id());
      if (usage.state() == AgentState.ACTIVE) {
        nodes.add(new NodeCapacity(a, usage.free()));
      }
    }
    List<PlacedInstance> placed = running.values().stream().map(Running::instance).toList();
    List<Plan> plans = Preemption.plan(preemptors, nodes, placed);
    if (plans.isEmpty()) {
      return false;
    }
    Set<String> preempting = new TreeSet<>();
    for (Plan plan : plans) {
      for (Eviction e : plan.evictions()) {
        String victim = e.victim().instanceId();
        stop(victim, e.reason().substring(0, 1).toLowerCase() + e.reason().substring(1));
        waiting.put(victim, new Unplaced(victim, e.victim().workloadKey(), new Reason(Reason.Code.PREEMPTED, e.reason())));
      }
      preempting.add(workloads.get(plan.workloadKey()).frameworkId());
      preempted.add(plan.instanceId());
    }
    // The freed room is offered to the preemptors' frameworks first: the others sit out that cycle.
    List<String> others = frameworks.keySet().stream().filter(fw -> !preempting.contains(fw) && !suppressed.contains(fw)).toList();
    others.forEach(allocator::suppress);
    preempting.forEach(fw -> absorb(allocator.revive(fw)));
    others.forEach(fw -> absorb(allocator.revive(fw)));
    return true;
  }

  private SimulationReport report(boolean stable) {
    List<WorkloadReport> reports = new ArrayList<>();
    for (WorkloadDemand d : workloads.values()) {
      List<Assignment> placed = new ArrayList<>();
      List<Unplaced> unplaced = new ArrayList<>();
      for (String id : d.instanceIds()) {
        Running r = running.get(id);
        if (r != null) {
          placed.add(r.assignment());
        } else {
          unplaced.add(waiting.getOrDefault(id, new Unplaced(id, d.key(), new Reason(Reason.Code.NO_OFFERS, "Not scheduled yet"))));
        }
      }
      reports.add(new WorkloadReport(d.key(), placed, unplaced));
    }
    return new SimulationReport(round, stable, reports, events);
  }

}
