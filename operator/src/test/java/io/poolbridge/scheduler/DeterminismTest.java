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
 */
class DeterminismTest {
  // Identical nodes: every choice between them is a tie.
  private final List<AgentInfo> nodes = List.of(
      node("metal", "m3", 8, 32, "zone", "a"), node("metal", "m1", 8, 32, "zone", "b"),
      node("metal", "m2", 8, 32, "zone", "a"), node("cloud", "c1", 8, 32, "zone", "b"));
  private final Prices prices = Prices.of(SCHEMA, Map.of("metal", new double[] {0.02, 0.002}, "cloud", new double[] {0.02, 0.002}));
  private final List<WorkloadDemand> demands = List.of(
      workload("a/web", 1, 2).instances(5).constraint(Constraint.of("zone", Constraint.Operator.GROUP_BY)).build(),
      workload("b/web", 1, 2).instances(5).strategy(Strategy.BIN_PACK).build(),
      workload("c/mpi", 2, 2).instances(3).gang().priority(5).build(),
      workload("d/db", 2, 8).instances(2).constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE)).priority(5).build());

  private Decisions run(List<AgentInfo> nodeOrder, List<WorkloadDemand> demandOrder) {
    Fixtures.Offers o = offers();
    nodeOrder.forEach(o::whole);
    List<NodeOffer> byNode = o.list();
    return schedule(prices, byNode, List.of(), demandOrder.toArray(WorkloadDemand[]::new));
  }

  @Test
  void theOrderOfOffersAndWorkloadsDoesNotChangeTheDecisions() {
    Decisions reference = run(nodes, demands);
    assertThat(reference.assignments()).hasSize(15);

    for (long seed = 0; seed < 20; seed++) {
      Random r = new Random(seed);
      List<AgentInfo> n = new ArrayList<>(nodes);
      List<WorkloadDemand> d = new ArrayList<>(demands);
      Collections.shuffle(n, r);
      Collections.shuffle(d, r);
      // Offer ids follow the node order, so offers are renumbered too: compare where instances went.
      assertThat(Fixtures.hosts(run(n, d))).as("seed " + seed).isEqualTo(Fixtures.hosts(reference));
    }
  }

  @Test
  void tiesGoToTheLowestAgentId() {
    Decisions d = run(nodes, List.of(workload("a/one", 1, 1).build()));

    assertThat(Fixtures.hosts(d)).containsEntry("one-0", "c1");
  }
}
