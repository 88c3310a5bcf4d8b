package io.poolbridge.allocator;

import static io.poolbridge.allocator.AllocatorWorld.ROLES;
import static io.poolbridge.allocator.AllocatorWorld.res;
import static io.poolbridge.allocator.AllocatorWorld.vec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Quota guarantees are met whenever they can be: with frameworks that take everything they are
 * offered (no filters, no suppression) and guarantees that fit in the unreserved capacity, a few
 * cycles of allocate + accept-all meet every role's guarantee, whatever the agents, the role tree,
 * the reservations and the weights.
 */
class GuaranteeProperties {
  private static final int CYCLES = 5;

  /**
   * A generated situation. Guarantees are hierarchical as in Mesos: a parent's guarantee covers its
   * children's, so the sum of the children's guarantees never exceeds the parent's.
   */
  record Scenario(List<Resources> agents, Map<String, Map<String, Integer>> reservations, List<Fw> frameworks,
      Map<String, long[]> guarantees, Map<String, Double> weights) {
    @Override
    public String toString() {
      Map<String, String> g = new TreeMap<>();
      guarantees.forEach((role, v) -> g.put(role, vec(v)));
      return "agents " + agents + ", reservations (% of the agent by role) " + reservations + ", frameworks "
          + frameworks + ", guarantees " + g + ", weights " + weights;
    }
  }

  /**
   * A framework that wants everything: {@code revocable} ones also borrow; {@code late} ones
   * arrive after the first cycle has handed out the cluster (their guaranteed capacity may then be
   * lent to others and must be taken back).
   */
  record Fw(String role, boolean revocable, boolean late) {
    @Override
    public String toString() {
      return role + (revocable ? " revocable" : "") + (late ? " late" : "");
    }
  }

  @Property(tries = 200)
  void everyGuaranteeIsMetWhenTheCapacityAllowsIt(@ForAll("scenarios") Scenario s) {
    AllocatorWorld w = new AllocatorWorld(11);
    s.weights().forEach(w::setWeight);
    s.guarantees().forEach((role, g) ->
        w.setQuota(role, Quota.guarantee(Map.of("cpus", g[0], "mem", g[1]))));
    Resources everything = Resources.none(AllocatorWorld.SCHEMA);
    for (Resources a : s.agents()) {
      everything = everything.plus(a);
    }
    addFrameworks(w, s, false, everything);
    for (int i = 0; i < s.agents().size(); i++) {
      Map<String, Resources> reserved = new LinkedHashMap<>();
      Resources total = s.agents().get(i);
      s.reservations().getOrDefault("agent" + (i + 1), Map.of())
          .forEach((role, pct) -> reserved.put(role, AllocatorInvariantsProperties.scale(total, pct)));
      w.addAgent(new AgentInfo(w.nextAgentId(), "pool", Map.of(), total, reserved));
    }
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      if (cycle == 1) {
        addFrameworks(w, s, true, everything);
      }
      w.allocate();
      w.honourRevocations();
      for (Offer o : w.allocator.outstandingOffers()) {
        w.accept(o, List.of(new Launch(w.nextInstanceId(), o.resources(), 0)));
      }
      w.checkInvariants();
    }
    Statistics.label("nested guarantees").collect(
        s.guarantees().keySet().stream().anyMatch(r -> nearestGuaranteed(r, s.guarantees()) != null));
    Statistics.label("guaranteed capacity lent, then revoked").collect(w.seen.containsKey("revocation"));
    for (String role : s.guarantees().keySet()) {
      if (!w.allocator.guaranteeMet(role)) {
        throw new AssertionError("after " + CYCLES + " cycles the guarantee " + vec(s.guarantees().get(role))
            + " of " + role + " is not met: its subtree holds " + vec(subtreeHeld(w, role)) + "; offers "
            + w.allocator.outstandingOffers() + ", placements " + w.allocator.placements());
      }
    }
  }

  private static void addFrameworks(AllocatorWorld w, Scenario s, boolean late, Resources demand) {
    for (Fw f : s.frameworks()) {
      if (f.late() == late) {
        String id = w.nextFrameworkId();
        w.addFramework(new FrameworkInfo(id, f.role(), f.revocable(), null, null));
        w.updateDemand(id, demand);
      }
    }
  }

  /** Reservations of the subtree plus the unreserved capacity its frameworks hold. */
  private static long[] subtreeHeld(AllocatorWorld w, String role) {
    return w.charged(role);
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<List<Resources>> agents = Combinators.combine(
            Arbitraries.longs().between(2, 16), Arbitraries.longs().between(2, 64))
        .as((c, m) -> res(c, m, 0))
        .list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<Map<String, Map<String, Integer>>> reservations = Arbitraries.maps(
            Arbitraries.of("agent1", "agent2", "agent3"),
            Arbitraries.maps(Arbitraries.of(ROLES), Arbitraries.integers().between(1, 50)).ofMinSize(1).ofMaxSize(2))
        .ofMaxSize(2);
    Arbitrary<List<Fw>> frameworkRoles = Combinators.combine(
            Arbitraries.of(ROLES), Arbitraries.of(false, true), Arbitraries.of(false, false, true))
        .as(Fw::new)
        .list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<Map<String, Integer>> guaranteePercents =
        Arbitraries.maps(Arbitraries.of(ROLES), Arbitraries.integers().between(1, 100)).ofMinSize(1).ofMaxSize(4);
    Arbitrary<Map<String, Double>> weights =
        Arbitraries.maps(Arbitraries.of(ROLES), Arbitraries.of(0.5, 1.0, 3.0)).ofMaxSize(3);
    return Combinators.combine(agents, reservations, frameworkRoles, guaranteePercents, weights)
        .as(GuaranteeProperties::scenario)
        .filter(s -> s != null);
  }

  /**
   * Turns percentages into guarantees that are feasible: the top-level guarantees share at most the
   * unreserved capacity, each child's guarantee is a share of its parent's, and every guaranteed
   * role has a framework in its subtree to use it.
   */
  static Scenario scenario(List<Resources> agents, Map<String, Map<String, Integer>> reservations,
      List<Fw> frameworks, Map<String, Integer> percents, Map<String, Double> weights) {
    long[] unreserved = new long[AllocatorWorld.SCHEMA.size()];
    for (int i = 0; i < agents.size(); i++) {
      Resources total = agents.get(i);
      Resources free = total;
      for (int pct : reservations.getOrDefault("agent" + (i + 1), Map.of()).values()) {
        free = free.minus(AllocatorInvariantsProperties.scale(total, pct));
      }
      Vec.add(unreserved, free.toArray());
    }
    Map<String, long[]> guarantees = new TreeMap<>();
    // Shares of a parent's guarantee (or of the unreserved capacity, for top-level roles) handed to
    // its guaranteed descendants; paths sort parents first.
    Map<String, Integer> handedOut = new TreeMap<>();
    for (var e : new TreeMap<>(percents).entrySet()) {
      String role = e.getKey();
      String parent = nearestGuaranteed(role, guarantees);
      String pool = parent == null ? "" : parent;
      int left = 100 - handedOut.getOrDefault(pool, 0);
      int pct = Math.min(e.getValue(), left);
      if (pct <= 0) {
        continue;
      }
      handedOut.merge(pool, pct, Integer::sum);
      long[] base = parent == null ? unreserved : guarantees.get(parent);
      guarantees.put(role, new long[] {base[0] * pct / 100, base[1] * pct / 100, 0});
    }
    for (String role : guarantees.keySet()) {
      if (frameworks.stream().noneMatch(f -> RolePaths.isSelfOrDescendant(f.role(), role))) {
        return null;
      }
    }
    Map<String, Map<String, Integer>> knownReservations = new TreeMap<>();
    reservations.forEach((agent, r) -> {
      if (Integer.parseInt(agent.substring(5)) <= agents.size()) {
        knownReservations.put(agent, r);
      }
    });
    return new Scenario(agents, knownReservations, frameworks, guarantees, weights);
  }

  private static String nearestGuaranteed(String role, Map<String, long[]> guarantees) {
    for (String p = RolePaths.parent(role); p != null; p = RolePaths.parent(p)) {
      if (guarantees.containsKey(p)) {
        return p;
      }
    }
    return null;
  }
}
