package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * A node lease needs the whole node, so every instance there must be a victim.
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

  private record Choice(Node node, List<PlacedInstance> victims, Key key) {}

  /** How bad a victim set is: fewer, then lower priorities, then less of the node. */
  private record Key(int count, int maxPriority, long sumPriority, double fraction) implements Comparable<Key> {
    static Key of(List<PlacedInstance> victims, Resources nodeTotal) {
      int max = Integer.MIN_VALUE;
      long sum = 0;
      Resources all = Resources.none(nodeTotal.schema());
      for (PlacedInstance v : victims) {
        max = Math.max(max, v.priority());
        sum += v.priority();
        all = all.plus(v.resources());
      }
      return new Key(victims.size(), max, sum, Amounts.dominantFraction(all, nodeTotal));
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
      List<PlacedInstance> victims = victims(p, n);
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
    Node n = best.node;
    Resources freed = n.free;
    List<Eviction> evictions = new ArrayList<>();
    for (PlacedInstance v : best.victims) {
      freed = freed.plus(v.resources());
      n.placed.remove(v);
      evictions.add(new Eviction(v, reason(p, v, n.agent)));
    }
    Resources taken = lease ? freed : d.resources();
    n.free = freed.minus(taken);
    n.placed.add(new PlacedInstance(p.instanceId(), d.key(), d.frameworkId(), n.agent, taken, d.priority(), d.preemptible(), false));
    constraints.add(n.agent);
    return new Plan(p.instanceId(), d.key(), n.agent.id(), evictions);
  }

  /** The best victims on one node, or {@code null} when no eligible set makes room. */
  private static List<PlacedInstance> victims(Preemptor p, Node n) {
    List<PlacedInstance> eligible = new ArrayList<>();
    for (PlacedInstance v : n.placed) {
      if (mayEvict(p, v)) {
        eligible.add(v);
      }
    }
    Resources total = n.agent.total();
    if (p.workload().kind() == WorkloadKind.NODE_LEASE) {
      Resources all = n.free;
      for (PlacedInstance v : eligible) {
        all = all.plus(v.resources());
      }
      return eligible.size() == n.placed.size() && all.equals(total) ? eligible : null;
    }
    Resources deficit = p.workload().resources().minus(n.free);
    eligible.sort(Comparator.comparingInt(PlacedInstance::priority)
        .thenComparingDouble(v -> Amounts.dominantFraction(v.resources(), total))
        .thenComparing(PlacedInstance::instanceId));
    if (!covers(eligible, deficit)) {
      return null;
    }
    Search search = new Search(eligible, deficit, total);
    for (int k = 1; k <= eligible.size(); k++) {
      search.combinations(k, 0, new ArrayList<>());
      if (search.best != null) {
        return search.best;
      }
      if (search.budget <= 0) {
        return greedy(eligible, deficit);
      }
    }
    throw new IllegalStateException("the eligible victims cover the deficit, so some set must");
  }

  /** Exhaustive search of the k-subsets that cover the deficit, keeping the best one. */
  private static final class Search {
    final List<PlacedInstance> eligible;
    final Resources deficit;
    final Resources total;
    int budget = COMBINATION_BUDGET;
    List<PlacedInstance> best;
    Key bestKey;

    Search(List<PlacedInstance> eligible, Resources deficit, Resources total) {
      this.eligible = eligible;
      this.deficit = deficit;
      this.total = total;
    }

    void combinations(int k, int from, List<PlacedInstance> chosen) {
      if (chosen.size() == k) {
        budget--;
        if (covers(chosen, deficit)) {
          Key key = Key.of(chosen, total);
          if (best == null || key.compareTo(bestKey) < 0) {
            best = List.copyOf(chosen);
            bestKey = key;
          }
        }
        return;
      }
      for (int i = from; i <= eligible.size() - (k - chosen.size()) && budget > 0; i++) {
        chosen.add(eligible.get(i));
        combinations(k, i + 1, chosen);
        chosen.remove(chosen.size() - 1);
      }
    }
  }

  private static List<PlacedInstance> greedy(List<PlacedInstance> eligible, Resources deficit) {
    List<PlacedInstance> order = new ArrayList<>(eligible);
    order.sort(Comparator.comparingInt(PlacedInstance::priority)
        .thenComparing(Comparator.comparingDouble((PlacedInstance v) -> Amounts.dominantFraction(v.resources(), deficit)).reversed())
        .thenComparing(PlacedInstance::instanceId));
    List<PlacedInstance> chosen = new ArrayList<>();
    for (PlacedInstance v : order) {
      if (covers(chosen, deficit)) {
        break;
      }
      chosen.add(v);
    }
    return chosen;
  }

  private static boolean covers(List<PlacedInstance> victims, Resources deficit) {
    Resources sum = Resources.none(deficit.schema());
    for (PlacedInstance v : victims) {
      sum = sum.plus(v.resources());
    }
    return deficit.fitsIn(sum);
  }

  /** The rule that keeps preemption loop-free: strictly lower priority, and evictable. */
  static boolean mayEvict(Preemptor p, PlacedInstance v) {
    return v.priority() < p.workload().priority()
        && (v.preemptible() || (v.revocable() && p.belowGuarantee()))
        && !Objects.equals(v.workloadKey(), p.workload().key());
  }

  private static String reason(Preemptor p, PlacedInstance v, AgentInfo node) {
    String by = p.workload().key() + " instance " + p.instanceId() + " (priority " + p.workload().priority()
        + " over " + v.priority() + ")";
    return v.preemptible()
        ? "Preempted by " + by + " on " + node.id()
        : "Borrowed capacity reclaimed by " + by + ", whose role is below its guarantee, on " + node.id();
  }
}
