package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Preemption planning: which running instances to evict so that instances that cannot be placed
 * get room.
 *
 * <p>A preemptor may evict a victim only when the victim's priority is strictly lower than its
 * own, and the victim is preemptible, or runs on revocable (borrowed) capacity while the
 * preemptor's role is below its guarantee (it takes back what was lent). Because priority must
 * strictly drop, an evicted instance can never evict its evictor back: there are no loops. A
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
 * anything: it waits for an offer, not for room. A gang workload gets plans for all its instances
 * or none. Later preemptors see the room taken by earlier ones, and no instance is evicted twice.
 */
public final class Preemption {
  private static final int COMBINATION_BUDGET = 20_000;

  /**
   * An instance that cannot be placed and may evict others.
   *
   * @param belowGuarantee whether its role is below its quota guarantee
   */
  public record Preemptor(WorkloadDemand workload, String instanceId, boolean belowGuarantee) {
    public Preemptor {
      if (!workload.instanceIds().contains(instanceId)) {
        throw new IllegalArgumentException(instanceId + " is not a pending instance of " + workload.key());
      }
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
    final List<PlacedInstance> placed = new ArrayList<>();

    Node(AgentInfo agent, Resources free) {
      this.agent = agent;
      this.free = free;
    }

    Node copy() {
      Node n = new Node(agent, free);
      n.placed.addAll(placed);
      return n;
    }
  }

  /**
   * What is evicted together: one instance, or every running instance of a gang (stopping one
   * stops them all).
   *
   * @param here what the unit frees on the node being considered
   */
  private record Unit(List<PlacedInstance> members, Resources here) {}

  private record Choice(Node node, List<Unit> victims, Key key) {}

  /** How bad a victim set is: fewer instances, then lower priorities, then less of the node. */
  private record Key(int count, int maxPriority, long sumPriority, double fraction) implements Comparable<Key> {
    static Key of(List<Unit> units, Resources nodeTotal) {
      int count = 0;
      int max = Integer.MIN_VALUE;
      long sum = 0;
      for (Unit u : units) {
        for (PlacedInstance v : u.members()) {
          count++;
          max = Math.max(max, v.priority());
          sum += v.priority();
        }
      }
      return new Key(count, max, sum, Amounts.dominantFraction(freed(units, nodeTotal.schema()), nodeTotal));
    }

    @Override
    public int compareTo(Key o) {
      return Comparator.comparingInt(Key::count).thenComparingInt(Key::maxPriority)
          .thenComparingLong(Key::sumPriority).thenComparingDouble(Key::fraction).compare(this, o);
    }
  }

  private Preemption() {}

  /**
   * Plans evictions for the preemptors.
   *
   * @param nodes every node instances may go to, with its free capacity
   * @param placed every running instance on those nodes (victim candidates, and what the
   *     preemptors' constraints count)
   */
  public static List<Plan> plan(List<Preemptor> preemptors, List<NodeCapacity> nodes, List<PlacedInstance> placed) {
    Map<String, Node> state = new LinkedHashMap<>();
    nodes.stream().sorted(Comparator.comparing(n -> n.agent().id()))
        .forEach(n -> state.put(n.agent().id(), new Node(n.agent(), n.free())));
    for (PlacedInstance p : placed) {
      Node n = state.get(p.agent().id());
      if (n != null) {
        n.placed.add(p);
      }
    }
    Map<String, List<Preemptor>> byWorkload = new LinkedHashMap<>();
    preemptors.stream()
        .sorted(Comparator.comparing(Preemptor::workload, WorkloadDemand.ORDER)
            .thenComparingInt(p -> p.workload().instanceIds().indexOf(p.instanceId())))
        .forEach(p -> byWorkload.computeIfAbsent(p.workload().key(), k -> new ArrayList<>()).add(p));

    List<Plan> plans = new ArrayList<>();
    for (List<Preemptor> group : byWorkload.values()) {
      WorkloadDemand d = group.get(0).workload();
      List<PlacedInstance> running = placed.stream().filter(p -> p.workloadKey().equals(d.key())).toList();
      ConstraintState constraints = new ConstraintState(d.constraints(), running);
      Map<String, Node> before = d.gang() ? copy(state) : null;
      List<Plan> made = new ArrayList<>();
      for (Preemptor p : group) {
        Plan plan = planOne(p, state, constraints);
        if (plan == null && d.gang()) {
          state.clear();
          state.putAll(before);
          made.clear();
          break;
        }
        if (plan != null) {
          made.add(plan);
        }
      }
      plans.addAll(made);
    }
    return plans;
  }

  private static Map<String, Node> copy(Map<String, Node> state) {
    Map<String, Node> c = new LinkedHashMap<>();
    state.forEach((id, n) -> c.put(id, n.copy()));
    return c;
  }

  private static Plan planOne(Preemptor p, Map<String, Node> state, ConstraintState constraints) {
    WorkloadDemand d = p.workload();
    boolean lease = d.kind() == WorkloadKind.NODE_LEASE;
    List<Node> large = state.values().stream().filter(n -> d.resources().fitsIn(n.agent.total())).toList();
    var domain = constraints.domain(large.stream().map(n -> n.agent).toList());
    Choice best = null;
    for (Node n : large) {
      if (constraints.firstUnmet(n.agent, domain) != null) {
        continue;
      }
      if (lease ? n.placed.isEmpty() && n.free.equals(n.agent.total()) : d.resources().fitsIn(n.free)) {
        return null;  // room without evicting anyone: the instance waits for an offer
      }
      List<Unit> victims = victims(p, n, state);
      if (victims != null) {
        Choice c = new Choice(n, victims, Key.of(victims, n.agent.total()));
        if (best == null || c.key.compareTo(best.key) < 0) {
          best = c;
        }
      }
    }
    if (best == null) {
      return null;
    }
    List<Eviction> evictions = new ArrayList<>();
    for (Unit u : best.victims) {
      for (PlacedInstance v : u.members()) {
        Node home = state.get(v.agent().id());
        home.placed.remove(v);
        home.free = home.free.plus(v.resources());
        evictions.add(new Eviction(v, reason(p, v, best.node.agent)));
      }
    }
    Node n = best.node;
    Resources taken = lease ? n.free : d.resources();
    n.free = n.free.minus(taken);
    n.placed.add(PlacedInstance.of(d, p.instanceId(), n.agent, taken, false));
    constraints.add(n.agent);
    return new Plan(p.instanceId(), d.key(), n.agent.id(), evictions);
  }

  /** The best victims on one node, or {@code null} when no eligible set makes room. */
  private static List<Unit> victims(Preemptor p, Node n, Map<String, Node> state) {
    List<Unit> units = units(p, n, state);
    Resources total = n.agent.total();
    if (p.workload().kind() == WorkloadKind.NODE_LEASE) {
      int instances = units.stream().mapToInt(u -> (int) u.members().stream().filter(v -> n.placed.contains(v)).count()).sum();
      return instances == n.placed.size() && n.free.plus(freed(units, total.schema())).equals(total) ? units : null;
    }
    Resources deficit = p.workload().resources().minus(n.free);
    units.sort(Comparator.comparing((Unit u) -> Key.of(List.of(u), total)));
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
  private static List<Unit> units(Preemptor p, Node n, Map<String, Node> state) {
    Map<String, Unit> units = new LinkedHashMap<>();
    for (PlacedInstance v : n.placed) {
      if (!mayEvict(p, v) || units.containsKey(v.gang() ? v.workloadKey() : v.instanceId())) {
        continue;
      }
      if (!v.gang()) {
        units.put(v.instanceId(), new Unit(List.of(v), v.resources()));
        continue;
      }
      List<PlacedInstance> members = new ArrayList<>();
      Resources here = Resources.none(v.resources().schema());
      for (Node other : state.values()) {
        for (PlacedInstance m : other.placed) {
          if (m.workloadKey().equals(v.workloadKey())) {
            members.add(m);
            here = other == n ? here.plus(m.resources()) : here;
          }
        }
      }
      if (members.stream().allMatch(m -> mayEvict(p, m))) {
        units.put(v.workloadKey(), new Unit(members, here));
      }
    }
    return new ArrayList<>(units.values());
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
    order.sort(Comparator.comparingInt((Unit u) -> u.members().stream().mapToInt(PlacedInstance::priority).max().orElseThrow())
        .thenComparing(Comparator.comparingDouble((Unit u) -> Amounts.dominantFraction(u.here(), deficit)).reversed()));
    List<Unit> chosen = new ArrayList<>();
    for (Unit u : order) {
      if (deficit.fitsIn(freed(chosen, deficit.schema()))) {
        break;
      }
      chosen.add(u);
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
