package io.poolbridge.allocator;

import static io.poolbridge.allocator.AllocatorWorld.ROLES;
import static io.poolbridge.allocator.AllocatorWorld.res;

import io.poolbridge.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Under saturating demand, hierarchical weighted DRF converges: frameworks that accept every offer
 * whole and never finish, agents added one at a time with a cycle over each new agent, and the
 * weighted dominant shares of sibling roles (at every level of the tree), and of the frameworks
 * of one role, end up equal, i.e. the shares are in the ratio of the weights.
 *
 * <p>The tolerance comes from the granularity of agents. The agents have one shape (k × the same
 * vector, so a share is the number of shape units held over the number in the cluster, and adding
 * an agent does not reorder anybody). Say sibling m holds the largest weighted share at the end,
 * and got its last agent (k units) when it had the smallest weighted share among its siblings, all
 * of which always want more. Then for any sibling j, with N the units in the cluster at the end:
 * {@code ws(m) <= ws(j) + k / (N * weight(m))}. So no two siblings differ by more than
 * {@code kmax / (N * weight)}, which goes to 0 as the cluster grows: that is the convergence.
 *
 * <p>Seeded (see {@link Seeds}): a failing scenario is shrunk by dropping agents and roles while it
 * still fails, and printed with its seed.
 */
class WeightedDrfProperties {

  record Scenario(List<String> roles, Map<String, Double> weights, int frameworksPerRole, long cpusPerUnit,
      long memPerUnit, List<Integer> agentUnits) {
    @Override
    public String toString() {
      return "roles " + roles + " weights " + weights + ", " + frameworksPerRole + " framework(s) per role, "
          + agentUnits.size() + " agents of " + agentUnits + " × {cpus: " + cpusPerUnit + ", mem: " + memPerUnit + "}";
    }
  }

  @TestFactory
  Stream<DynamicTest> weightedSharesOfSiblingsConvergeToTheRatioOfTheirWeights() {
    return Seeds.forEachSeed("weighted DRF", 60, 15, seed -> {
      Scenario s = scenario(new Random(seed));
      Throwable failure = Seeds.failureOf(s, WeightedDrfProperties::check);
      if (failure == null) {
        return;
      }
      Scenario minimal = shrink(s);
      Throwable minimalFailure = Seeds.failureOf(minimal, WeightedDrfProperties::check);
      throw new AssertionError("minimal failing scenario: " + minimal + "\n" + minimalFailure.getMessage()
          + "\n(the generated scenario: " + s + ")", minimalFailure);
    });
  }

  static void check(Scenario s) {
    AllocatorWorld w = new AllocatorWorld(3);
    s.weights().forEach(w::setWeight);
    Map<String, List<String>> frameworksByRole = new TreeMap<>();
    for (String role : s.roles()) {
      for (int i = 0; i < s.frameworksPerRole(); i++) {
        String id = w.nextFrameworkId();
        w.addFramework(FrameworkInfo.of(id, role));
        frameworksByRole.computeIfAbsent(role, k -> new ArrayList<>()).add(id);
      }
    }
    long units = 0;
    int kmax = 0;
    for (int k : s.agentUnits()) {
      String id = w.nextAgentId();
      w.addAgent(AgentInfo.of(id, "pool", res(k * s.cpusPerUnit(), k * s.memPerUnit(), 0)));
      units += k;
      kmax = Math.max(kmax, k);
      CycleResult cycle = w.allocate(List.of(id));
      AllocatorWorld.check(cycle.offers().size() == 1 && cycle.offers().get(0).resources().equals(w.agents.get(id).total()),
          "a new agent goes whole to one framework: " + cycle.offers());
      Offer o = cycle.offers().get(0);
      w.accept(o, List.of(new Launch(w.nextInstanceId(), o.resources(), 0)));
    }
    w.checkInvariants();

    // Siblings at every level of the role tree the frameworks' roles span.
    Map<String, Set<String>> children = new TreeMap<>();
    for (String role : s.roles()) {
      for (String path = role; path != null; path = RolePaths.parent(path)) {
        String parent = RolePaths.parent(path);
        children.computeIfAbsent(parent == null ? "" : parent, k -> new TreeSet<>()).add(path);
      }
    }
    for (Set<String> siblings : children.values()) {
      assertConverged(w, siblings, p -> s.weights().getOrDefault(p, 1.0), w.allocator::weightedShare, kmax, units);
    }
    // Frameworks of one role have no weights of their own: their shares converge to equality.
    // (weightedShare of a framework divides by its role's weight, the same for all of them.)
    for (List<String> fws : frameworksByRole.values()) {
      assertConverged(w, new TreeSet<>(fws), p -> 1.0, w.allocator::share, kmax, units);
    }
  }

  private static void assertConverged(AllocatorWorld w, Set<String> siblings,
      ToDoubleFunction<String> weight, ToDoubleFunction<String> weighted, int kmax, long units) {
    for (String i : siblings) {
      for (String j : siblings) {
        double tolerance = (double) kmax / (units * weight.applyAsDouble(i)) + 1e-9;
        double wsi = weighted.applyAsDouble(i);
        double wsj = weighted.applyAsDouble(j);
        if (wsi > wsj + tolerance) {
          Map<String, String> shares = new TreeMap<>();
          for (String p : siblings) {
            shares.put(p, String.format("share %.4f weight %.1f weighted %.4f", w.allocator.share(p),
                weight.applyAsDouble(p), weighted.applyAsDouble(p)));
          }
          throw new AssertionError("weighted share of " + i + " exceeds that of " + j + " by " + (wsi - wsj)
              + " > " + tolerance + " (one agent of " + kmax + " units out of " + units + "): " + shares);
        }
      }
    }
  }

  static Scenario scenario(Random r) {
    List<String> roles;
    do {
      roles = leaves(new TreeSet<>(AllocatorInvariantsProperties.subset(r, ROLES, 2, ROLES.size())));
    } while (roles.size() < 2);
    Map<String, Double> weights = new TreeMap<>();
    for (int i = 0, n = r.nextInt(ROLES.size() + 1); i < n; i++) {
      weights.put(AllocatorInvariantsProperties.role(r), AllocatorInvariantsProperties.oneOf(r, List.of(0.5, 1.0, 2.0, 3.0)));
    }
    int frameworksPerRole = 1 + r.nextInt(2);
    long cpusPerUnit = AllocatorInvariantsProperties.between(r, 1, 4);
    long memPerUnit = AllocatorInvariantsProperties.between(r, 1, 8);
    List<Integer> agentUnits = new ArrayList<>();
    for (int i = 0, n = 30 + r.nextInt(51); i < n; i++) {
      agentUnits.add(1 + r.nextInt(3));
    }
    return new Scenario(roles, weights, frameworksPerRole, cpusPerUnit, memPerUnit, agentUnits);
  }

  /** Drops agents, then roles (keeping two), while the scenario still fails. */
  static Scenario shrink(Scenario s) {
    List<Integer> units = Seeds.shrink(s.agentUnits(), l -> !l.isEmpty() && Seeds.failureOf(
        new Scenario(s.roles(), s.weights(), s.frameworksPerRole(), s.cpusPerUnit(), s.memPerUnit(), l),
        WeightedDrfProperties::check) != null, 400);
    List<String> roles = Seeds.shrink(s.roles(), l -> l.size() >= 2 && Seeds.failureOf(
        new Scenario(l, s.weights(), s.frameworksPerRole(), s.cpusPerUnit(), s.memPerUnit(), units),
        WeightedDrfProperties::check) != null, 100);
    return new Scenario(roles, s.weights(), s.frameworksPerRole(), s.cpusPerUnit(), s.memPerUnit(), units);
  }

  /** The roles of the set that are not an ancestor of another: frameworks sit at the leaves. */
  static List<String> leaves(Set<String> roles) {
    List<String> leaves = new ArrayList<>();
    for (String r : new TreeSet<>(roles)) {
      if (roles.stream().noneMatch(o -> !o.equals(r) && RolePaths.isSelfOrDescendant(o, r))) {
        leaves.add(r);
      }
    }
    return leaves;
  }
}
