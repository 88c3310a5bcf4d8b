package io.poolbridge.allocator;

import static io.poolbridge.allocator.AllocatorWorld.ROLES;
import static io.poolbridge.allocator.AllocatorWorld.res;
import static io.poolbridge.allocator.AllocatorWorld.vec;

import io.poolbridge.testing.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Quota guarantees are met whenever they can be: with frameworks that take everything they are
 * offered (no filters, no suppression) and guarantees that fit in the unreserved capacity, a few
 * cycles of allocate + accept-all meet every role's guarantee, whatever the agents, the role tree,
 * the reservations and the weights.
 *
 * <p>Seeded (see {@link Seeds}): a failing scenario is shrunk by dropping agents, frameworks,
 * guarantees, reservations and weights while it still fails, and printed with its seed.
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

  /** What the generator draws; {@link #scenario} turns it into a feasible {@link Scenario}, or null. */
  record Raw(List<Resources> agents, Map<String, Map<String, Integer>> reservations, List<Fw> frameworks,
      Map<String, Integer> percents, Map<String, Double> weights) {
    Scenario scenario() {
      return GuaranteeProperties.scenario(agents, reservations, frameworks, percents, weights);
    }
  }

  private static final Map<String, Integer> COVERAGE = new TreeMap<>();

  @TestFactory
  Stream<DynamicTest> everyGuaranteeIsMetWhenTheCapacityAllowsIt() {
    return Seeds.forEachSeed("guarantees", 200, 25, seed -> {
      Raw raw = raw(new Random(seed));
      Throwable failure = Seeds.failureOf(raw.scenario(), GuaranteeProperties::check);
      if (failure == null) {
        return;
      }
      Raw minimal = shrink(raw);
      Throwable minimalFailure = Seeds.failureOf(minimal.scenario(), GuaranteeProperties::check);
      throw new AssertionError("minimal failing scenario: " + minimal.scenario() + "\n"
          + minimalFailure.getMessage() + "\n(the generated scenario: " + raw.scenario() + ")", minimalFailure);
    });
  }

  @AfterAll
  static void printCoverage() {
    System.out.println("[guarantees] runs with: " + COVERAGE);
  }

  static void check(Scenario s) {
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
    synchronized (COVERAGE) {
      if (s.guarantees().keySet().stream().anyMatch(r -> nearestGuaranteed(r, s.guarantees()) != null)) {
        COVERAGE.merge("nested guarantees", 1, Integer::sum);
      }
      if (w.seen.containsKey("revocation")) {
        COVERAGE.merge("guaranteed capacity lent, then revoked", 1, Integer::sum);
      }
    }
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

  /** A raw scenario that {@link #scenario} accepts: drawn again from the same generator until one is. */
  static Raw raw(Random r) {
    while (true) {
      List<Resources> agents = new ArrayList<>();
      for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
        agents.add(res(AllocatorInvariantsProperties.between(r, 2, 16), AllocatorInvariantsProperties.between(r, 2, 64), 0));
      }
      Map<String, Map<String, Integer>> reservations = new TreeMap<>();
      for (int i = 0, n = r.nextInt(3); i < n; i++) {
        Map<String, Integer> shares = new TreeMap<>();
        for (int j = 0, m = 1 + r.nextInt(2); j < m; j++) {
          shares.put(AllocatorInvariantsProperties.role(r), 1 + r.nextInt(50));
        }
        reservations.put("agent" + (1 + r.nextInt(3)), shares);
      }
      List<Fw> frameworks = new ArrayList<>();
      for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
        frameworks.add(new Fw(AllocatorInvariantsProperties.role(r), r.nextBoolean(), r.nextInt(3) == 2));
      }
      Map<String, Integer> percents = new TreeMap<>();
      for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
        percents.put(AllocatorInvariantsProperties.role(r), 1 + r.nextInt(100));
      }
      Map<String, Double> weights = new TreeMap<>();
      for (int i = 0, n = r.nextInt(4); i < n; i++) {
        weights.put(AllocatorInvariantsProperties.role(r), AllocatorInvariantsProperties.oneOf(r, List.of(0.5, 1.0, 3.0)));
      }
      Raw raw = new Raw(agents, reservations, frameworks, percents, weights);
      if (raw.scenario() != null) {
        return raw;
      }
    }
  }

  /** Drops agents, frameworks, guarantees, reservations and weights while the scenario still fails. */
  static Raw shrink(Raw raw) {
    Predicate<Raw> fails = c -> {
      Scenario s = c.scenario();
      return s != null && Seeds.failureOf(s, GuaranteeProperties::check) != null;
    };
    Raw current = raw;
    for (int pass = 0; pass < 3; pass++) {
      Raw start = current;
      Raw base = current;
      List<Resources> agents = Seeds.shrink(base.agents(), l -> l.size() > 0
          && fails.test(new Raw(l, base.reservations(), base.frameworks(), base.percents(), base.weights())), 200);
      current = new Raw(agents, current.reservations(), current.frameworks(), current.percents(), current.weights());
      Raw b2 = current;
      List<Fw> fws = Seeds.shrink(b2.frameworks(), l -> l.size() > 0
          && fails.test(new Raw(b2.agents(), b2.reservations(), l, b2.percents(), b2.weights())), 200);
      current = new Raw(current.agents(), current.reservations(), fws, current.percents(), current.weights());
      Raw b3 = current;
      Map<String, Integer> percents = shrinkMap(b3.percents(), m -> !m.isEmpty()
          && fails.test(new Raw(b3.agents(), b3.reservations(), b3.frameworks(), m, b3.weights())));
      current = new Raw(current.agents(), current.reservations(), current.frameworks(), percents, current.weights());
      Raw b4 = current;
      Map<String, Map<String, Integer>> reservations = shrinkMap(b4.reservations(),
          m -> fails.test(new Raw(b4.agents(), m, b4.frameworks(), b4.percents(), b4.weights())));
      current = new Raw(current.agents(), reservations, current.frameworks(), current.percents(), current.weights());
      Raw b5 = current;
      Map<String, Double> weights = shrinkMap(b5.weights(),
          m -> fails.test(new Raw(b5.agents(), b5.reservations(), b5.frameworks(), b5.percents(), m)));
      current = new Raw(current.agents(), current.reservations(), current.frameworks(), current.percents(), weights);
      if (current.equals(start)) {
        break;
      }
    }
    return current;
  }

  private static <V> Map<String, V> shrinkMap(Map<String, V> map, Predicate<Map<String, V>> fails) {
    List<Map.Entry<String, V>> entries = Seeds.shrink(List.copyOf(map.entrySet()), l -> fails.test(toMap(l)), 200);
    return toMap(entries);
  }

  private static <V> Map<String, V> toMap(List<Map.Entry<String, V>> entries) {
    Map<String, V> m = new TreeMap<>();
    entries.forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
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
