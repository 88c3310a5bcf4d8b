package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Preemption planning: which running instances to evict so that instances that cannot be placed
 * get room.
 *
 * <p>A preemptor may evict a victim only when the victim's priority is strictly lower than its
 * own, and the victim is preemptible, or runs on revocable (borrowed) capacity while the
 * preemptor's role is below its guarantee (it takes back what was lent). Because priority must
 * strictly drop, an evicted instance can never evict its evictor: there are no loops. A
 * non-preemptible instance on its own capacity is never evicted, nor an instance of the
 * preemptor's own workload.
 *
 * <p>For each preemptor (in {@link WorkloadDemand#ORDER}, instances in the order listed), the
 * planner looks at every node that is large enough and where the workload's constraints allow it,
 * and chooses the node and victims that evict the fewest instances, then the lowest priorities
 * (highest evicted priority, then their sum), then the least resources (dominant fraction of the
 * node), then the lowest agent id. The smallest set is searched exhaustively up to a budget of
 * combinations per node, beyond which victims are taken greedily (lowest priority, largest first).
 * A node lease needs the whole node, so every instance there must be a victim. Evicting an
 * instance of a gang evicts every running instance of that gang, wherever it runs, and counts
 * them all.
 *
 * <p>No plan is made for an instance that some allowed node could already hold without evicting
 * anything: it waits for an offer, not for room. A gang is planned as one unit: its instances, in
 * order, each take free room where an allowed node has it (the lowest agent id first; that room is
 * then no longer free for the next instance), and otherwise the best victims as above; it gets
 * plans for all its instances or none, and none when it evicts nobody (it fits in the free room
 * and waits for offers). Later preemptors see the room taken by earlier ones, and no instance is
 * evicted twice.
 *
 * <p>Cost, for n preemptors, N nodes and m running instances: grouping and ordering the
 * preemptors is O(n log n) (each workload's instance positions are indexed once; no list is
 * searched per preemptor). A preemptor that gets no plan leaves the state unchanged, so the
 * workload's next preemptors would get none either until some plan changes the state: they are
 * skipped in O(1), and a gang stops at its first instance without a plan. So at most about twice
 * as many preemptors are examined as plans are made, and a plan either evicts at least one
 * instance (at most m such plans) or puts a gang instance on free room (found in O(N), without any
 * victim search). Examining one preemptor costs O(N) plus, per allowed node, sorting its m_node
 * candidate units and at most {@link #COMBINATION_BUDGET} combinations. Gang facts (members,
 * priorities, what they free per node) are computed once, so a gang unit costs O(1) to consider.
 */
public final class Preemption {
  private static final int COMBINATION_BUDGET = 20_000;

  /**
   * An instance that cannot be placed and may evict others. {@link #plan} checks that {@code
   * instanceId} is one of the workload's pending instances.
   *
   * @param belowGuarantee whether its role is below its quota guarantee
   */
  public record Preemptor(WorkloadDemand workload, String instanceId, boolean belowGuarantee) {
    public Preemptor {
      Objects.requireNonNull(workload, "workload");
      Objects.requireNonNull(instanceId, "instanceId");
    }
  }

  /** A node and its capacity held by no placement and no offer. */
  public record NodeCapacity(AgentInfo agent, Resources free) {}

  /** A running instance to stop, and why, for its workload's status. */
  public record Eviction(PlacedInstance victim, String reason) {}

  /** Where a preemptor goes once its victims are stopped. */
  public record Plan(String instanceId, String workloadKey, String agentId, List<Eviction> evictions) {}

  private static final class Node {
    final AgentInfo agent;
    Resources free;
    /** The instances running there when planning began, in input order; evicted ones stay, marked. */
    final List<Running> placed = new ArrayList<>();
    /** Of {@link #placed}, those not evicted. */
    int live;
    /**
     * Instances planned onto the node. They are never victims in the same planning: later
     * preemptors have no higher priority (ORDER) and never evict their own workload.
     */
    int planned;

    Node(AgentInfo agent, Resources free) {
      this.agent = agent;
      this.free = free;
    }
  }

  /** A running instance where it runs, and whether this planning evicts it. */
  private static final class Running {
    final PlacedInstance instance;
    final Node home;
    boolean evicted;

    Running(PlacedInstance instance, Node home) {
      this.instance = instance;
      this.home = home;
    }
  }

  /** A running gang's instances (on the planned nodes) and what deciding whether to evict it needs. */
  private static final class Gang {
    final List<Running> members = new ArrayList<>();
    final Map<Node, Resources> here = new IdentityHashMap<>();
    final Map<Node, Integer> countHere = new IdentityHashMap<>();
    int maxPriority = Integer.MIN_VALUE;
    long sumPriority;
    boolean allPreemptible = true;
    boolean allPreemptibleOrRevocable = true;

    void add(Running r) {
      PlacedInstance p = r.instance;
      members.add(r);
      here.merge(r.home, p.resources(), Resources::plus);
      countHere.merge(r.home, 1, Integer::sum);
      maxPriority = Math.max(maxPriority, p.priority());
      sumPriority += p.priority();
      allPreemptible &= p.preemptible();
      allPreemptibleOrRevocable &= p.preemptible() || p.revocable();
    }
  }

  /** The planner's state, with an undo journal while a gang is planned (all or nothing). */
  private static final class State {
    final List<Node> nodes;
    final Map<String, Gang> gangs = new HashMap<>();
    private final Deque<Runnable> journal = new ArrayDeque<>();
    private boolean recording;

    State(List<NodeCapacity> capacities, List<PlacedInstance> placed) {
      Map<String, Node> byId = new LinkedHashMap<>();
      capacities.stream().sorted(Comparator.comparing(n -> n.agent().id()))
          .forEach(n -> byId.put(n.agent().id(), new Node(n.agent(), n.free())));
      nodes = List.copyOf(byId.values());
      for (PlacedInstance p : placed) {
        Node n = byId.get(p.agent().id());
        if (n != null) {
          Running r = new Running(p, n);
          n.placed.add(r);
          n.live++;
        }
      }
      // A gang's members node by node (agent id order), each node's in input order.
      for (Node n : nodes) {
        for (Running r : n.placed) {
          if (r.instance.gang()) {
            gangs.computeIfAbsent(r.instance.workloadKey(), k -> new Gang()).add(r);
          }
        }
      }
    }

    void setFree(Node n, Resources free) {
      if (recording) {
        Resources old = n.free;
        journal.push(() -> n.free = old);
      }
      n.free = free;
    }

    void evict(Running r) {
      r.evicted = true;
      r.home.live--;
      if (recording) {
        journal.push(() -> {
          r.evicted = false;
          r.home.live++;
        });
      }
      setFree(r.home, r.home.free.plus(r.instance.resources()));
    }

    void place(Node n, Resources taken) {
      setFree(n, n.free.minus(taken));
      n.planned++;
      if (recording) {
        journal.push(() -> n.planned--);
      }
    }

    void begin() {
      journal.clear();
      recording = true;
    }

    void commit() {
      journal.clear();
      recording = false;
    }

    void rollback() {
      while (!journal.isEmpty()) {
        journal.pop().run();
      }
      recording = false;
    }
  }

  /**
   * What is evicted together: one instance, or every running instance of a gang (stopping one
   * stops them all).
   *
   * @param here what the unit frees on the node being considered
   * @param countHere how many of its instances run on that node
   * @param key how bad evicting this unit alone is, on that node
   */
  private record Unit(List<Running> members, Resources here, int countHere, Key key) {}

  private record Choice(Node node, List<Unit> victims) {}

  /** How bad a victim set is: fewer instances, then lower priorities, then less of the node. */
  private record Key(int count, int maxPriority, long sumPriority, double fraction) implements Comparable<Key> {
    private static final Comparator<Key> ORDER = Comparator.comparingInt(Key::count).thenComparingInt(Key::maxPriority)
        .thenComparingLong(Key::sumPriority).thenComparingDouble(Key::fraction);

    static Key of(List<Unit> units, Resources nodeTotal) {
      int count = 0;
      int max = Integer.MIN_VALUE;
      long sum = 0;
      for (Unit u : units) {
        count += u.key().count();
        max = Math.max(max, u.key().maxPriority());
        sum += u.key().sumPriority();
      }
      return new Key(count, max, sum, Amounts.dominantFraction(freed(units, nodeTotal.schema()), nodeTotal));
    }

    @Override
    public int compareTo(Key o) {
      return ORDER.compare(this, o);
    }
  }

  private Preemption() {}

  /**
   * Plans evictions for the preemptors.
   *
   * @param nodes every node instances may go to, with its free capacity
   * @param placed every running instance on those nodes (victim candidates, and what the
   *     preemptors' constraints count)
   * @throws IllegalArgumentException when a preemptor's instance is not one of its workload's
   *     pending instances
   */
  public static List<Plan> plan(List<Preemptor> preemptors, List<NodeCapacity> nodes, List<PlacedInstance> placed) {
    State state = new State(nodes, placed);
    Map<String, List<PlacedInstance>> runningByWorkload = new HashMap<>();
    for (PlacedInstance p : placed) {
      runningByWorkload.computeIfAbsent(p.workloadKey(), k -> new ArrayList<>()).add(p);
    }
    List<Plan> plans = new ArrayList<>();
    for (List<Preemptor> group : groups(preemptors)) {
      WorkloadDemand d = group.get(0).workload();
      List<Node> large = state.nodes.stream().filter(n -> d.resources().fitsIn(n.agent.total())).toList();
      if (large.isEmpty()) {
        continue;  // no node can ever hold one of its instances
      }
      ConstraintState constraints = new ConstraintState(d.constraints(), runningByWorkload.getOrDefault(d.key(), List.of()));
      var domain = constraints.domain(large.stream().map(n -> n.agent).toList());
      Planner planner = new Planner(state, large, constraints, domain);
      plans.addAll(d.gang() ? planner.gang(group) : planner.each(group));
    }
    return plans;
  }

  /**
   * The preemptors by workload in {@link WorkloadDemand#ORDER}, each workload's in the order its
   * instances are listed, without repeats: O(n log n), each workload's positions indexed once.
   */
  private static List<List<Preemptor>> groups(List<Preemptor> preemptors) {
    Map<WorkloadDemand, Map<String, Integer>> positions = new IdentityHashMap<>();
    Map<Preemptor, Integer> position = new IdentityHashMap<>();
    for (Preemptor p : preemptors) {
      Map<String, Integer> index = positions.computeIfAbsent(p.workload(), w -> {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < w.instanceIds().size(); i++) {
          m.put(w.instanceIds().get(i), i);
        }
        return m;
      });
      Integer i = index.get(p.instanceId());
      if (i == null) {
        throw new IllegalArgumentException(p.instanceId() + " is not a pending instance of " + p.workload().key());
      }
      position.put(p, i);
    }
    List<Preemptor> sorted = new ArrayList<>(preemptors);
    sorted.sort(Comparator.comparing(Preemptor::workload, WorkloadDemand.ORDER).thenComparingInt(position::get));
    Map<String, List<Preemptor>> byWorkload = new LinkedHashMap<>();
    Map<String, Set<String>> seen = new HashMap<>();
    for (Preemptor p : sorted) {
      if (seen.computeIfAbsent(p.workload().key(), k -> new HashSet<>()).add(p.instanceId())) {
        byWorkload.computeIfAbsent(p.workload().key(), k -> new ArrayList<>()).add(p);
      }
    }
    return new ArrayList<>(byWorkload.values());
  }

  /** Plans for one workload's preemptors. */
  private static final class Planner {
    final State state;
    final List<Node> large;
    final ConstraintState constraints;
    final Map<String, Set<String>> domain;

    Planner(State state, List<Node> large, ConstraintState constraints, Map<String, Set<String>> domain) {
      this.state = state;
      this.large = large;
      this.constraints = constraints;
      this.domain = domain;
    }

    /** Single instances: each evicts for itself, or gets no plan when some node has room. */
    List<Plan> each(List<Preemptor> group) {
      List<Plan> made = new ArrayList<>();
      // A preemptor without a plan changed nothing, so the next ones with the same flag would get
      // none either, until a plan changes the state: skip them (index: belowGuarantee).
      boolean[] hopeless = new boolean[2];
      for (Preemptor p : group) {
        int flag = p.belowGuarantee() ? 1 : 0;
        if (hopeless[flag]) {
          continue;
        }
        Choice c = room(p) != null ? null : bestEviction(p);
        if (c == null) {
          hopeless[flag] = true;
          continue;
        }
        made.add(carryOut(p, c));
        hopeless[0] = false;
        hopeless[1] = false;
      }
      return made;
    }

    /**
     * A gang as one unit: each instance takes free room where there is some, evictions cover the
     * rest; all its instances or none, and none when nobody would be evicted.
     */
    List<Plan> gang(List<Preemptor> group) {
      state.begin();
      List<Plan> made = new ArrayList<>();
      boolean evicts = false;
      for (Preemptor p : group) {
        Node free = room(p);
        Choice c = free != null ? new Choice(free, List.of()) : bestEviction(p);
        if (c == null) {
          state.rollback();
          return List.of();
        }
        Plan plan = carryOut(p, c);
        evicts |= !plan.evictions().isEmpty();
        made.add(plan);
      }
      if (!evicts) {
        state.rollback();  // the free room holds the whole gang: it lacks offers, not room
        return List.of();
      }
      state.commit();
      return made;
    }

    private boolean allowed(Node n) {
      return constraints.firstUnmet(n.agent, domain) == null;
    }

    /** The first allowed node (by agent id) that holds the instance without evicting anyone. */
    private Node room(Preemptor p) {
      boolean lease = p.workload().kind() == WorkloadKind.NODE_LEASE;
      for (Node n : large) {
        boolean fits = lease
            ? n.live == 0 && n.planned == 0 && n.free.equals(n.agent.total())
            : p.workload().resources().fitsIn(n.free);
        if (fits && allowed(n)) {
          return n;
        }
      }
      return null;
    }

    /** The allowed node and victims with the best {@link Key}, or {@code null} when none makes room. */
    private Choice bestEviction(Preemptor p) {
      Choice best = null;
      Key bestKey = null;
      for (Node n : large) {
        if (!allowed(n)) {
          continue;
        }
        List<Unit> victims = victims(p, n);
        if (victims != null) {
          Key key = Key.of(victims, n.agent.total());
          if (best == null || key.compareTo(bestKey) < 0) {
            best = new Choice(n, victims);
            bestKey = key;
          }
        }
      }
      return best;
    }

    private Plan carryOut(Preemptor p, Choice c) {
      WorkloadDemand d = p.workload();
      List<Eviction> evictions = new ArrayList<>();
      for (Unit u : c.victims()) {
        for (Running v : u.members()) {
          state.evict(v);
          evictions.add(new Eviction(v.instance, reason(p, v.instance, c.node().agent)));
        }
      }
      Node n = c.node();
      state.place(n, d.kind() == WorkloadKind.NODE_LEASE ? n.free : d.resources());
      constraints.add(n.agent);
      return new Plan(p.instanceId(), d.key(), n.agent.id(), evictions);
    }

    /** The best victims on one node, or {@code null} when no eligible set makes room. */
    private List<Unit> victims(Preemptor p, Node n) {
      List<Unit> units = units(p, n);
      Resources total = n.agent.total();
      if (p.workload().kind() == WorkloadKind.NODE_LEASE) {
        int instances = units.stream().mapToInt(Unit::countHere).sum();
        return instances == n.live && n.planned == 0 && n.free.plus(freed(units, total.schema())).equals(total) ? units : null;
      }
      Resources deficit = p.workload().resources().minus(n.free);
      units.sort(Comparator.comparing(Unit::key));
      if (!deficit.fitsIn(freed(units, total.schema()))) {
        return null;
      }
      // k units hold at least k instances: once k reaches the best count, larger sets cannot win.
      Search search = new Search(units, deficit, total);
      for (int k = 1; k <= units.size() && (search.best == null || k < search.bestKey.count()); k++) {
        search.combinations(k, 0, new ArrayList<>());
        if (search.budget <= 0) {
          break;
        }
      }
      return search.best != null ? search.best : greedy(units, deficit);
    }

    /** The eviction units with instances on {@code n} that {@code p} may evict (a gang only if all of it). */
    private List<Unit> units(Preemptor p, Node n) {
      Resources total = n.agent.total();
      List<Unit> units = new ArrayList<>();
      Set<String> gangsSeen = new HashSet<>();
      for (Running r : n.placed) {
        PlacedInstance v = r.instance;
        if (r.evicted || !mayEvict(p, v)) {
          continue;
        }
        if (!v.gang()) {
          units.add(new Unit(List.of(r), v.resources(), 1,
              new Key(1, v.priority(), v.priority(), Amounts.dominantFraction(v.resources(), total))));
        } else if (gangsSeen.add(v.workloadKey())) {
          Gang g = state.gangs.get(v.workloadKey());
          // One instance may be evicted (checked above): the gang only if every one of them may be.
          if (g.maxPriority < p.workload().priority()
              && (p.belowGuarantee() ? g.allPreemptibleOrRevocable : g.allPreemptible)) {
            Resources here = g.here.get(n);
            units.add(new Unit(g.members, here, g.countHere.get(n),
                new Key(g.members.size(), g.maxPriority, g.sumPriority, Amounts.dominantFraction(here, total))));
          }
        }
      }
      return units;
    }
  }

  /** Exhaustive search of the k-subsets that cover the deficit, keeping the best one. */
  private static final class Search {
    final List<Unit> units;
    final Resources deficit;
    final Resources total;
    int budget = COMBINATION_BUDGET;
    List<Unit> best;
    Key bestKey;

    Search(List<Unit> units, Resources deficit, Resources total) {
      this.units = units;
      this.deficit = deficit;
      this.total = total;
    }

    void combinations(int k, int from, List<Unit> chosen) {
      if (chosen.size() == k) {
        budget--;
        if (deficit.fitsIn(freed(chosen, total.schema()))) {
          Key key = Key.of(chosen, total);
          if (best == null || key.compareTo(bestKey) < 0) {
            best = List.copyOf(chosen);
            bestKey = key;
          }
        }
        return;
      }
      for (int i = from; i <= units.size() - (k - chosen.size()) && budget > 0; i++) {
        chosen.add(units.get(i));
        combinations(k, i + 1, chosen);
        chosen.remove(chosen.size() - 1);
      }
    }
  }

  /** Units by lowest priority, then largest share of the deficit first, until it is covered. */
  private static List<Unit> greedy(List<Unit> units, Resources deficit) {
    List<Unit> order = new ArrayList<>(units);
    order.sort(Comparator.comparingInt((Unit u) -> u.key().maxPriority())
        .thenComparing(Comparator.comparingDouble((Unit u) -> Amounts.dominantFraction(u.here(), deficit)).reversed()));
    List<Unit> chosen = new ArrayList<>();
    Resources freed = Resources.none(deficit.schema());
    for (Unit u : order) {
      if (deficit.fitsIn(freed)) {
        break;
      }
      chosen.add(u);
      freed = freed.plus(u.here());
    }
    return chosen;
  }

  private static Resources freed(List<Unit> units, ResourceSchema schema) {
    Resources sum = Resources.none(schema);
    for (Unit u : units) {
      sum = sum.plus(u.here());
    }
    return sum;
  }

  /** The rule that keeps preemption loop-free: strictly lower priority, and evictable. */
  private static boolean mayEvict(Preemptor p, PlacedInstance v) {
    return v.priority() < p.workload().priority()
        && (v.preemptible() || (v.revocable() && p.belowGuarantee()))
        && !v.workloadKey().equals(p.workload().key());
  }

  private static String reason(Preemptor p, PlacedInstance v, AgentInfo node) {
    String by = p.workload().key() + " instance " + p.instanceId() + " (priority " + p.workload().priority()
        + " over " + v.priority() + ")";
    return v.preemptible()
        ? "Preempted by " + by + " on " + node.id()
        : "Borrowed capacity reclaimed by " + by + ", whose role is below its guarantee, on " + node.id();
  }
}
