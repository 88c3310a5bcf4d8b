package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Launch;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.OfferBook.Slot;
import io.poolbridge.scheduler.Reason.Code;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Level 2: the built-in framework scheduler. Given one framework's offers and its workloads'
 * pending instances, it decides which offers to accept for which instances.
 *
 * <p>Workloads go in {@link WorkloadDemand#ORDER} (priority, then age, then key), each one's
 * instances in the order listed. An instance goes to the best offer that is
 *
 * <ul>
 *   <li><b>allowed</b>: not revocable unless the workload accepts revocable capacity;
 *   <li><b>big enough</b>: what is left of the offer holds the instance's resources; for a node
 *       lease, the node's total holds the requested minimum and the offer still holds the whole
 *       node (so nothing else runs there), and the lease takes all of it;
 *   <li><b>within the constraints</b>, counting the workload's running instances and those placed
 *       earlier in the call;
 * </ul>
 *
 * and the best is, in order: non-revocable before revocable; the cheapest per hour (see {@link
 * Prices}); the least loaded ({@link Strategy#SPREAD}) or fullest ({@link Strategy#BIN_PACK}) node;
 * then the lowest agent id and offer id. Ties are thus broken by stable ids, never at random: the
 * same request always yields the same decisions, whatever the order of its offers.
 *
 * <p>A gang workload's instances are placed tentatively and rolled back unless all fit. Every
 * instance left unplaced gets a {@link Reason}. Offers that launch nothing are declined.
 */
public final class FrameworkScheduler {
  /** Why an instance waits when its framework was offered nothing; {@link Simulation} refines it where it knows better. */
  public static final String NO_OFFERS = "No offers with room for it: the free capacity is in use, held for other roles, or declined recently";

  private final Prices prices;
  /** Whether every instance's best slot is found by scanning all slots (the reference the tests compare with). */
  private final boolean scanAll;

  public FrameworkScheduler(Prices prices) {
    this(prices, false);
  }

  /**
   * @param scanAll find every instance's slot by scanning and ranking all the offers, without the
   *     per-workload index: slower, with the same decisions; tests compare the two
   */
  FrameworkScheduler(Prices prices, boolean scanAll) {
    this.prices = prices;
    this.scanAll = scanAll;
  }

  public Decisions schedule(SchedulingRequest request) {
    OfferBook book = new OfferBook(request.offers());
    // Offers a gang that can complete gathered: declined without a filter, to come back together.
    Set<Long> held = new HashSet<>();
    Set<String> holding = new TreeSet<>();
    Set<String> cannotComplete = new TreeSet<>();
    List<Assignment> assignments = new ArrayList<>();
    // The launches of each offer, by the offer's index in the request.
    List<List<Launch>> launches = new ArrayList<>(request.offers().size());
    for (int i = 0; i < request.offers().size(); i++) {
      launches.add(null);
    }
    List<Unplaced> unplaced = new ArrayList<>();
    List<WorkloadDemand> order = new ArrayList<>(request.demands());
    order.sort(WorkloadDemand.ORDER);
    Map<String, List<PlacedInstance>> runningByWorkload = new HashMap<>();
    for (PlacedInstance p : request.placed()) {
      runningByWorkload.computeIfAbsent(p.workloadKey(), k -> new ArrayList<>()).add(p);
    }
    for (WorkloadDemand declared : order) {
      List<PlacedInstance> running = runningByWorkload.getOrDefault(declared.key(), List.of());
      WorkloadDemand d = declared;
      // A CLUSTER without a value, before any instance runs: bound here to the value with room for all.
      Reason clusterShortfall = null;
      int unbound = unboundCluster(declared, running);
      if (unbound >= 0) {
        ClusterChoice choice = chooseCluster(declared, unbound, running, request);
        if (choice != null) {
          d = choice.demand();
          clusterShortfall = choice.shortfall();
        }
      }
      ConstraintState state = new ConstraintState(d.constraints(), running);
      Candidates candidates = scanAll || d.kind() == WorkloadKind.NODE_LEASE ? null : new Candidates(prices, d, state, book);
      int mark = book.mark();
      List<Assignment> made = new ArrayList<>();
      List<Slot> madeOn = new ArrayList<>();
      Reason failure = null;
      for (String id : d.instanceIds()) {
        // Nothing changes between two failed instances of one workload: the first one's reason holds.
        Match match;
        if (failure != null) {
          match = new Match(null, failure);
        } else {
          Slot next = candidates == null ? null : candidates.best();
          // Without a slot, the full scan finds none either, and says why.
          match = next != null ? new Match(next, null) : match(d, state, book, request.limitedRole());
        }
        if (match.slot() != null) {
          Slot slot = match.slot();
          Resources taken = taken(d, slot);
          book.take(slot, taken, state, d.gang());
          if (candidates != null) {
            candidates.taken(slot);
          }
          made.add(new Assignment(
              id, d.key(), slot.offerId(), slot.agentId(), slot.pool(), taken, d.priority(), slot.revocable(),
              prices.perHour(slot.pool(), taken)));
          madeOn.add(slot);
        } else {
          failure = clusterShortfall != null && match.reason().code() != Code.ROLE_LIMIT ? clusterShortfall : match.reason();
          if (clusterShortfall == null && unbound < 0 && (failure.code() == Code.CONSTRAINT || failure.code() == Code.INSUFFICIENT_RESOURCES)) {
            Reason bound = boundCluster(declared, running, d.instanceIds().size() - made.size());
            failure = bound != null ? bound : failure;
          }
          if (d.gang()) {
            break;
          }
          unplaced.add(new Unplaced(id, d.key(), failure));
        }
      }
      if (d.gang() && failure != null) {
        book.rollback(mark);
        String why = failure.message();
        if (!made.isEmpty()) {
          // The gang holds what it gathered only while it can complete, and not for ever.
          if (request.holdDenied().contains(d.key())) {
            why += "; the offers it gathered go back for a while";
          } else if (canComplete(d, running, request)) {
            made.forEach(a -> held.add(a.offerId()));
            holding.add(d.key());
          } else {
            cannotComplete.add(d.key());
            why += "; the estate cannot hold all " + d.instanceIds().size() + " now";
          }
        }
        Reason gang = new Reason(Code.GANG, "Waiting for gang of " + d.instanceIds().size() + ": " + why);
        for (String id : d.instanceIds()) {
          unplaced.add(new Unplaced(id, d.key(), gang));
        }
      } else {
        assignments.addAll(made);
        for (int i = 0; i < made.size(); i++) {
          Assignment a = made.get(i);
          int r = madeOn.get(i).requestIndex;
          if (launches.get(r) == null) {
            launches.set(r, new ArrayList<>());
          }
          launches.get(r).add(new Launch(a.instanceId(), a.resources(), a.priority()));
        }
      }
    }
    return new Decisions(offerDecisions(request, launches, held), assignments, unplaced, holding, cannotComplete);
  }

  /**
   * The index of a {@code CLUSTER} constraint without a value that no running instance has bound
   * yet, or -1.
   */
  private static int unboundCluster(WorkloadDemand d, List<PlacedInstance> running) {
    for (int i = 0; i < d.constraints().size(); i++) {
      Constraint c = d.constraints().get(i);
      if (c.operator() == Constraint.Operator.CLUSTER && c.value() == null) {
        String attribute = c.attribute();
        boolean bound = running.stream().anyMatch(p -> p.agent().attributes().containsKey(attribute));
        return bound ? -1 : i;
      }
    }
    return -1;
  }

  /**
   * Where a {@code CLUSTER} without a value binds: the workload with the constraint given the
   * value, and the reason its instances wait when no value has room for all of them.
   */
  private record ClusterChoice(WorkloadDemand demand, Reason shortfall) {}

  /** The most values a {@code CLUSTER} choice tries with a full placement. */
  private static final int CLUSTER_TRIALS = 16;

  /**
   * Chooses the value of an unbound {@code CLUSTER}: the cheapest value (then the first by name)
   * where every pending instance fits at once, within the other constraints, on the capacity the
   * framework could be offered (the request's {@linkplain SchedulingRequest#capacity capacity}, or
   * its offers when that is not known). When no value holds them all, the value that holds the
   * most, and a reason that says so. {@code null} when no node has a value with room for one.
   */
  private ClusterChoice chooseCluster(
      WorkloadDemand d, int index, List<PlacedInstance> running, SchedulingRequest request) {
    Constraint cluster = d.constraints().get(index);
    String attribute = cluster.attribute();
    List<NodeOffer> source = request.capacity() != null ? request.capacity() : request.offers();
    Map<String, List<NodeOffer>> byValue = new TreeMap<>();
    Map<String, Double> cheapest = new HashMap<>();
    Map<String, Long> room = new HashMap<>();
    for (NodeOffer o : source) {
      String v = o.agent().attributes().get(attribute);
      if (v == null || (o.offer().revocable() && !d.revocableOk()) || rejectedAlways(d, index, o.agent())) {
        continue;
      }
      long fits = fits(d, o);
      if (fits == 0) {
        continue;
      }
      byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(o);
      room.merge(v, fits, Math::addExact);
      cheapest.merge(v, prices.rankingPerHour(o.offer().pool(), d.resources()), Math::min);
    }
    if (byValue.isEmpty()) {
      return null;
    }
    int n = d.instanceIds().size();
    List<String> values = new ArrayList<>(byValue.keySet());
    values.sort(Comparator.comparingDouble((String v) -> cheapest.get(v)).thenComparing(v -> v));
    String most = null;
    int mostPlaced = -1;
    int trials = 0;
    for (String v : values) {
      if (room.get(v) < n || trials == CLUSTER_TRIALS) {
        continue;
      }
      trials++;
      WorkloadDemand bound = bind(d, index, v);
      int placed = fill(bound, running, byValue.get(v), n);
      if (placed == n) {
        return new ClusterChoice(bound, null);
      }
      if (placed > mostPlaced) {
        most = v;
        mostPlaced = placed;
      }
    }
    // No value holds them all: the one that holds the most (its estimate, where not tried).
    for (String v : values) {
      long estimate = Math.min(room.get(v), n);
      if (estimate > mostPlaced && room.get(v) < n) {
        most = v;
        mostPlaced = (int) estimate;
      }
    }
    Reason shortfall = new Reason(Code.CONSTRAINT,
        "Constraint " + cluster + ": no " + attribute + " has room for all " + n + " instances; the most, "
            + attribute + "=" + most + ", holds " + mostPlaced);
    if (source != request.offers()) {
      // Partial placement binds the workload for good: bind it where its offers place the most now
      // (as Marathon binds to the first placement), not where the estate might, so that it runs.
      String offered = mostOffered(d, index, running, request.offers());
      if (offered == null) {
        return new ClusterChoice(d, shortfall);
      }
      most = offered;
    }
    return new ClusterChoice(bind(d, index, most), shortfall);
  }

  /**
   * Among the offers, the value of {@code d}'s CLUSTER attribute where the same matching places the
   * most of its instances now (then the cheapest, then the first by name); {@code null} when it
   * places none anywhere.
   */
  private String mostOffered(WorkloadDemand d, int index, List<PlacedInstance> running, List<NodeOffer> offers) {
    String attribute = d.constraints().get(index).attribute();
    Map<String, List<NodeOffer>> byValue = new TreeMap<>();
    Map<String, Double> cheapest = new HashMap<>();
    for (NodeOffer o : offers) {
      String v = o.agent().attributes().get(attribute);
      if (v != null && (!o.offer().revocable() || d.revocableOk()) && !rejectedAlways(d, index, o.agent()) && fits(d, o) > 0) {
        byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(o);
        cheapest.merge(v, prices.rankingPerHour(o.offer().pool(), d.resources()), Math::min);
      }
    }
    String best = null;
    int bestPlaced = 0;
    int tried = 0;
    for (Map.Entry<String, List<NodeOffer>> e : byValue.entrySet()) {
      if (tried++ == CLUSTER_TRIALS) {
        break;
      }
      int placed = fill(bind(d, index, e.getKey()), running, e.getValue(), d.instanceIds().size());
      if (placed > bestPlaced || (placed == bestPlaced && placed > 0 && cheapest.get(e.getKey()) < cheapest.get(best))) {
        best = e.getKey();
        bestPlaced = placed;
      }
    }
    return best;
  }

  /**
   * For a {@code CLUSTER} without a value that running instances bound: the reason the others wait
   * is that value's lack of room, said as such; {@code null} for other workloads.
   */
  private static Reason boundCluster(WorkloadDemand d, List<PlacedInstance> running, int waiting) {
    for (Constraint c : d.constraints()) {
      if (c.operator() == Constraint.Operator.CLUSTER && c.value() == null && !running.isEmpty()) {
        String value = running.get(0).agent().attributes().get(c.attribute());
        if (value != null) {
          return new Reason(Code.CONSTRAINT, "Constraint " + c + ": its " + running.size() + " running instances bound it to "
              + c.attribute() + "=" + value + ", which has no room offered for " + waiting + " more");
        }
      }
    }
    return null;
  }

  private static WorkloadDemand bind(WorkloadDemand d, int index, String value) {
    List<Constraint> constraints = new ArrayList<>(d.constraints());
    Constraint c = constraints.get(index);
    constraints.set(index, Constraint.of(c.attribute(), Constraint.Operator.CLUSTER, value));
    return d.withConstraints(constraints);
  }

  /** Whether a constraint other than {@code except} keeps {@code d} off the node whatever the counts. */
  private static boolean rejectedAlways(WorkloadDemand d, int except, AgentInfo node) {
    for (int i = 0; i < d.constraints().size(); i++) {
      Constraint c = d.constraints().get(i);
      if (i != except && c.rejectsAlways(node.attributes().get(c.attribute()))) {
        return true;
      }
    }
    return false;
  }

  /** How many instances of {@code d} the offer holds by resources alone (a node lease: 1 or 0). */
  private static long fits(WorkloadDemand d, NodeOffer o) {
    Resources have = o.offer().resources();
    if (d.kind() == WorkloadKind.NODE_LEASE) {
      return d.resources().fitsIn(o.agent().total()) && have.equals(o.agent().total()) ? 1 : 0;
    }
    long fits = Long.MAX_VALUE;
    for (int i = 0; i < have.schema().size(); i++) {
      long need = d.resources().get(i);
      if (need > 0) {
        fits = Math.min(fits, have.get(i) / need);
      }
    }
    return fits == Long.MAX_VALUE ? d.instanceIds().size() : fits;
  }

  /**
   * Whether every pending instance of gang {@code d} would fit at once under its role's limits and
   * on the capacity the framework could be offered; {@code true} when neither is known.
   */
  private boolean canComplete(WorkloadDemand d, List<PlacedInstance> running, SchedulingRequest request) {
    int n = d.instanceIds().size();
    if (request.limitRoom() != null) {
      Resources room = request.limitRoom();
      for (int i = 0; i < room.schema().size(); i++) {
        long need = d.resources().get(i);
        // Without overflow: n * need > room.
        if (need > 0 && (long) n > room.get(i) / need) {
          return false;
        }
      }
    }
    if (request.capacity() == null) {
      return true;
    }
    return fill(d, running, request.capacity(), n) == n;
  }

  /**
   * How many of {@code d}'s instances, at most {@code max}, the same matching places on {@code
   * nodes} (a trial: nothing is decided).
   */
  private int fill(WorkloadDemand d, List<PlacedInstance> running, List<NodeOffer> nodes, int max) {
    OfferBook trial = new OfferBook(nodes);
    ConstraintState state = new ConstraintState(d.constraints(), running);
    Candidates candidates = d.kind() == WorkloadKind.NODE_LEASE ? null : new Candidates(prices, d, state, trial);
    int placed = 0;
    while (placed < max) {
      Slot s = candidates != null ? candidates.best() : bestByScan(d, state, trial);
      if (s == null) {
        break;
      }
      trial.take(s, taken(d, s), state, false);
      if (candidates != null) {
        candidates.taken(s);
      }
      placed++;
    }
    return placed;
  }

  /** The best slot for one more instance, or the reason there is none. */
  private record Match(Slot slot, Reason reason) {}

  private Match match(WorkloadDemand d, ConstraintState state, OfferBook book, String limitedRole) {
    Slot best = bestByScan(d, state, book);
    if (best != null) {
      return new Match(best, null);
    }
    List<Slot> allowed = new ArrayList<>();
    List<Slot> bigEnough = new ArrayList<>();
    for (Slot s : book.slots()) {
      if (!s.revocable() || d.revocableOk()) {
        allowed.add(s);
        if (bigEnough(d, s)) {
          bigEnough.add(s);
        }
      }
    }
    Map<String, Set<String>> domain = state.domain(bigEnough.stream().map(Slot::agent).toList());
    return new Match(null, diagnose(d, state, book, allowed, domain, limitedRole));
  }

  /** The best slot for one more instance by scanning and ranking every offer, or {@code null}. */
  private Slot bestByScan(WorkloadDemand d, ConstraintState state, OfferBook book) {
    List<Slot> bigEnough = new ArrayList<>();
    for (Slot s : book.slots()) {
      if ((!s.revocable() || d.revocableOk()) && bigEnough(d, s)) {
        bigEnough.add(s);
      }
    }
    Map<String, Set<String>> domain = state.domain(bigEnough.stream().map(Slot::agent).toList());
    Comparator<Slot> ranking = ranking(d, book);
    Slot best = null;
    for (Slot s : bigEnough) {
      if (state.firstUnmet(s.agent(), domain) == null && (best == null || ranking.compare(s, best) < 0)) {
        best = s;
      }
    }
    return best;
  }

  static boolean bigEnough(WorkloadDemand d, Slot s) {
    return d.kind() == WorkloadKind.NODE_LEASE
        ? d.resources().fitsIn(s.agent().total()) && s.wholeNode()
        : s.holds(d.resources());
  }

  private static Resources taken(WorkloadDemand d, Slot s) {
    return d.kind() == WorkloadKind.NODE_LEASE ? s.left() : d.resources();
  }

  /** The policy: own capacity first, then the cheapest, then by strategy, then by stable ids. */
  private Comparator<Slot> ranking(WorkloadDemand d, OfferBook book) {
    Comparator<Slot> byLoad = Comparator.comparingDouble(book::load);
    return Comparator.comparing(Slot::revocable)
        .thenComparingDouble(s -> prices.rankingPerHour(s.pool(), taken(d, s)))
        .thenComparing(d.strategy() == Strategy.SPREAD ? byLoad : byLoad.reversed())
        .thenComparing(Slot::agentId)
        .thenComparingLong(Slot::offerId);
  }

  /** Why no allowed slot takes the instance: no offers, then resources, then constraints. */
  private static Reason diagnose(
      WorkloadDemand d, ConstraintState state, OfferBook book, List<Slot> allowed, Map<String, Set<String>> domain,
      String limitedRole) {
    if (book.slots().isEmpty()) {
      return limitedRole != null
          ? roleLimit(limitedRole)
          : new Reason(Code.NO_OFFERS, NO_OFFERS);
    }
    if (allowed.isEmpty()) {
      return new Reason(Code.REVOCABLE_ONLY, "Only revocable offers, and the workload does not accept revocable capacity");
    }
    // Slots the constraints allow are too small (a fitting one would have been chosen).
    boolean[] short_ = new boolean[d.resources().schema().size()];
    Set<String> pools = new TreeSet<>();
    for (Slot s : allowed) {
      if (state.firstUnmet(s.agent(), domain) == null) {
        pools.add(s.pool());
        Amounts.shortOf(d.resources(), d.kind() == WorkloadKind.NODE_LEASE ? s.agent().total() : s.left())
            .forEach(name -> short_[d.resources().schema().indexOf(name)] = true);
      }
    }
    if (!pools.isEmpty()) {
      String text;
      if (d.kind() == WorkloadKind.NODE_LEASE) {
        text = "No whole free node with at least " + Amounts.format(d.resources()) + " offered in pools " + String.join(",", pools);
      } else {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < short_.length; i++) {
          if (short_[i]) {
            names.add(d.resources().schema().name(i));
          }
        }
        text = "Insufficient " + String.join(",", names) + " in pools " + String.join(",", pools);
        if (allowed.stream().noneMatch(s -> d.resources().fitsIn(s.agent().total()))) {
          // More nodes of the same size would not help: say so.
          text += ": no offered node is big enough for one instance of " + Amounts.format(d.resources());
        }
      }
      // Offers chopped to a reached limit look short of resources: the limit is the cause, not the nodes.
      return limitedRole != null ? roleLimit(limitedRole) : new Reason(Code.INSUFFICIENT_RESOURCES, text);
    }
    List<AgentInfo> nodes = allowed.stream().map(Slot::agent).toList();
    return new Reason(Code.CONSTRAINT, state.explain(nodes, domain));
  }

  private static Reason roleLimit(String role) {
    return new Reason(Code.ROLE_LIMIT, "Limit of role " + role + " reached");
  }

  private static List<OfferDecision> offerDecisions(
      SchedulingRequest request, List<List<Launch>> launches, Set<Long> held) {
    List<OfferDecision> decisions = new ArrayList<>(launches.size());
    for (int i = 0; i < launches.size(); i++) {
      Offer o = request.offers().get(i).offer();
      List<Launch> l = launches.get(i);
      decisions.add(new OfferDecision(
          o, l == null ? List.of() : l, held.contains(o.id()) ? Duration.ZERO : null));
    }
    return decisions;
  }
}
