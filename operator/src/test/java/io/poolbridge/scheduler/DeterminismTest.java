package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.offers;
import static io.poolbridge.scheduler.Fixtures.schedule;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Ties are broken by stable ids (agent id, then offer id; workload key among equals), never by
 * the order the caller happens to list things in: the operator's informer caches list them in no
 * particular order, and a restarted operator must decide the same.
 *
 * <p>Every run starts from fresh state: new nodes, new workloads, new offers and a new scheduler,
 * so that nothing one run leaves behind (a cache, a hint, a mutated input) can make a later run
 * agree with it.
 */
class DeterminismTest {
  private static final Prices PRICES =
      Prices.of(SCHEMA, Map.of("metal", new double[] {0.02, 0.002}, "cloud", new double[] {0.02, 0.002}));

  /** Identical nodes: every choice between them is a tie. Built anew for every run. */
  private static List<AgentInfo> nodes() {
    return List.of(
        node("metal", "m3", 8, 32, "zone", "a"), node("metal", "m1", 8, 32, "zone", "b"),
        node("metal", "m2", 8, 32, "zone", "a"), node("cloud", "c1", 8, 32, "zone", "b"));
  }

  /** Built anew for every run. */
  private static List<WorkloadDemand> demands() {
    return List.of(
        workload("a/web", 1, 2).instances(5).constraint(Constraint.of("zone", Constraint.Operator.GROUP_BY)).build(),
        workload("b/web", 1, 2).instances(5).strategy(Strategy.BIN_PACK).build(),
        workload("c/mpi", 2, 2).instances(3).gang().priority(5).build(),
        workload("d/db", 2, 8).instances(2).constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE)).priority(5).build());
  }

  /** One run from fresh state; the nodes and workloads shuffled with {@code shuffle} unless it is null. */
  private static Decisions run(Random shuffle, List<WorkloadDemand> demands) {
    List<AgentInfo> n = new ArrayList<>(nodes());
    List<WorkloadDemand> d = new ArrayList<>(demands);
    if (shuffle != null) {
      Collections.shuffle(n, shuffle);
      Collections.shuffle(d, shuffle);
    }
    Fixtures.Offers o = offers();
    n.forEach(o::whole);
    return schedule(PRICES, o.list(), List.of(), d.toArray(WorkloadDemand[]::new));
  }

  @Test
  void twoSeparateRunsOfTheSameInputDecideTheSame() {
    Decisions first = run(null, demands());
    Decisions second = run(null, demands());
    assertThat(first.assignments()).hasSize(15);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void theOrderOfOffersAndWorkloadsDoesNotChangeTheDecisions() {
    Decisions reference = run(null, demands());
    assertThat(reference.assignments()).hasSize(15);

    for (long seed = 0; seed < 20; seed++) {
      // Offer ids follow the node order, so offers are renumbered too: compare where instances went.
      assertThat(Fixtures.hosts(run(new Random(seed), demands()))).as("seed " + seed)
          .isEqualTo(Fixtures.hosts(reference));
    }
  }

  @Test
  void tiesGoToTheLowestAgentId() {
    Decisions d = run(null, List.of(workload("a/one", 1, 1).build()));

    assertThat(Fixtures.hosts(d)).containsEntry("one-0", "c1");
  }
}
