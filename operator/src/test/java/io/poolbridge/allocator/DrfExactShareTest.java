package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Weighted shares are compared exactly: a share of 0.3 with weight 3 equals a share of 0.1 with
 * weight 1 (in doubles 0.3 / 3 is 0.09999999999999999), so Mesos' tie-break applies: fewer
 * allocations first, then the name.
 */
class DrfExactShareTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpus", "mem");

  private static DrfSorter sorter() {
    DrfSorter s = new DrfSorter(SCHEMA);
    s.updateTotal(new long[] {10_000, 10_240});
    return s;
  }

  private static List<String> order(Sorter s) {
    List<String> list = new ArrayList<>();
    s.sort().forEach(list::add);
    return list;
  }

  @Test
  void equalWeightedSharesWithEqualAllocationCountsGoByName() {
    DrfSorter s = sorter();
    s.add("a");
    s.add("b");
    s.updateWeight("b", 3);
    s.allocated("a", new long[] {1_000, 0}); // 0.1 / 1
    s.allocated("b", new long[] {3_000, 0}); // 0.3 / 3
    assertThat(order(s)).containsExactly("a", "b");
  }

  @Test
  void equalWeightedSharesGoToTheClientWithFewerAllocationsFirst() {
    DrfSorter s = sorter();
    s.add("a");
    s.add("b");
    s.updateWeight("a", 3);
    s.allocated("a", new long[] {2_000, 0});
    s.allocated("a", new long[] {1_000, 0}); // 0.3 / 3, two allocations
    s.allocated("b", new long[] {1_000, 0}); // 0.1 / 1, one allocation
    assertThat(order(s)).containsExactly("b", "a");
  }

  /** The same through the allocator: roles weighted 3 and 1 at shares 0.3 and 0.1 tie, name decides. */
  @Test
  void allocatorOffersTiedWeightedRolesByName() {
    Scenario sc = Scenario.of("cpus", "mem");
    sc.allocator.setWeight("beta", 3);
    sc.addFramework("b", "beta");
    sc.addFramework("a", "alpha");
    sc.addAgent("agent1", "cpus:10;mem:10240");
    sc.running("b-1", "b", "agent1", "cpus:3;mem:0");
    sc.running("a-1", "a", "agent1", "cpus:1;mem:0");
    // beta: 0.3 / 3, alpha: 0.1 / 1; one allocation each: "alpha" < "beta".
    assertThat(sc.allocate()).containsExactly("a <- agent1 cpus:6;mem:10240");
  }

  /** Random weights and allocations: the order agrees with exact rational arithmetic. */
  @Test
  void orderAgreesWithExactArithmetic() {
    for (long seed = 1; seed <= 200; seed++) {
      Random rnd = new Random(seed);
      DrfSorter s = sorter();
      int n = 2 + rnd.nextInt(6);
      double[] w = new double[n];
      long[] alloc = new long[n];
      for (int i = 0; i < n; i++) {
        String c = "c" + i;
        s.add(c);
        w[i] = new double[] {0.1, 0.2, 0.3, 1, 2, 3, 7}[rnd.nextInt(7)];
        s.updateWeight(c, w[i]);
        alloc[i] = 100L * rnd.nextInt(30);
        if (alloc[i] > 0) {
          s.allocated(c, new long[] {alloc[i], 0});
        }
      }
      List<String> order = order(s);
      for (int k = 0; k + 1 < order.size(); k++) {
        int a = Integer.parseInt(order.get(k).substring(1));
        int b = Integer.parseInt(order.get(k + 1).substring(1));
        // alloc_a / (total * w_a) <= alloc_b / (total * w_b), exactly.
        java.math.BigDecimal left = java.math.BigDecimal.valueOf(alloc[a]).multiply(java.math.BigDecimal.valueOf(w[b]));
        java.math.BigDecimal right = java.math.BigDecimal.valueOf(alloc[b]).multiply(java.math.BigDecimal.valueOf(w[a]));
        assertThat(left.compareTo(right)).as("seed %d: %s before %s", seed, order.get(k), order.get(k + 1)).isLessThanOrEqualTo(0);
      }
    }
  }
}
