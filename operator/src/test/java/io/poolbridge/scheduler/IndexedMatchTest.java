package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.FW;
import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.Constraint.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scheduler finds an instance's slot through a per-workload index rather than by ranking every
 * offer again (what makes 50,000 instances on 5,000 nodes take milliseconds). The index must
 * change nothing a user sees: on random requests, with every constraint operator, both
 * strategies, prices, revocable offers, several offers per node, gangs and running instances, its
 * decisions (launches, refuse filters, assignments, reasons) equal those of the full scan.
 */
class IndexedMatchTest {
  private static final String[] ZONES = {"z1", "z2", "z3"};
  private static final String[] RACKS = {"r1", "r2", "r3", "r4"};

  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long s = 0; s < 400; s++) {
      seeds.add(s);
    }
    return seeds;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void theIndexDecidesExactlyAsTheFullScan(long seed) {
    SchedulingRequest request = randomRequest(new Random(seed));
    Prices prices = Prices.of(SCHEMA, Map.of("cloud", new double[] {0.04, 0.005}, "edge", new double[] {0.01, 0.001}));

    Decisions indexed = new FrameworkScheduler(prices).schedule(request);
    Decisions scanned = new FrameworkScheduler(prices, true).schedule(request);

    assertThat(indexed).isEqualTo(scanned);
  }

  @Test
  void randomRequestsPlaceSomeAndLeaveSomeUnplaced() {
    // The comparison above means something only if the requests exercise both outcomes.
    int placed = 0;
    int unplaced = 0;
    int constraintReasons = 0;
    for (long seed : seeds()) {
      Decisions d = new FrameworkScheduler(Prices.NONE).schedule(randomRequest(new Random(seed)));
      placed += d.assignments().size();
      unplaced += d.unplaced().size();
      constraintReasons += (int) d.unplaced().stream().filter(u -> u.reason().code() == Reason.Code.CONSTRAINT).count();
    }
    assertThat(placed).isGreaterThan(1000);
    assertThat(unplaced).isGreaterThan(100);
    assertThat(constraintReasons).isGreaterThan(10);
  }

  private static SchedulingRequest randomRequest(Random r) {
    List<AgentInfo> nodes = new ArrayList<>();
    String[] pools = {"metal", "cloud", "edge"};
    int n = 3 + r.nextInt(14);
    for (int i = 0; i < n; i++) {
      String pool = pools[r.nextInt(pools.length)];
      String[] attrs = r.nextInt(8) == 0
          ? new String[] {"zone", ZONES[r.nextInt(3)]}
          : new String[] {"zone", ZONES[r.nextInt(3)], "rack", RACKS[r.nextInt(4)]};
      nodes.add(node(pool, "n" + i, 4 + 4 * r.nextInt(4), 16 + 16 * r.nextInt(3), attrs));
    }
    List<NodeOffer> offers = new ArrayList<>();
    long id = 1;
    for (AgentInfo a : nodes) {
      int k = r.nextInt(5) == 0 ? 2 : 1;
      for (int j = 0; j < k; j++) {
        Resources part = r.nextInt(3) == 0 ? a.total() : res(1 + r.nextInt(4), 2 + r.nextInt(12));
        Resources offered = part.fitsIn(a.total()) ? part : a.total();
        offers.add(new NodeOffer(new Offer(id++, FW, a.id(), a.pool(), offered, r.nextInt(6) == 0), a));
      }
    }
    List<WorkloadDemand> demands = new ArrayList<>();
    List<PlacedInstance> placed = new ArrayList<>();
    int w = 1 + r.nextInt(6);
    for (int i = 0; i < w; i++) {
      WorkloadDemand.Builder b = Fixtures.workload("ns/w" + i, 0.5 + r.nextInt(4), 1 + r.nextInt(6))
          .instances(1 + r.nextInt(12))
          .priority(r.nextInt(3))
          .created(r.nextInt(3))
          .strategy(r.nextBoolean() ? Strategy.SPREAD : Strategy.BIN_PACK);
      int constraints = r.nextInt(3);
      for (int c = 0; c < constraints; c++) {
        b.constraint(randomConstraint(r));
      }
      if (r.nextInt(5) == 0) {
        b.gang();
      }
      if (r.nextInt(3) == 0) {
        b.revocableOk();
      }
      if (r.nextInt(12) == 0) {
        b.kind(WorkloadKind.NODE_LEASE);
      }
      WorkloadDemand d = b.build();
      demands.add(d);
      int running = r.nextInt(4);
      for (int j = 0; j < running; j++) {
        placed.add(Fixtures.running("w" + i + "-run" + j, d, nodes.get(r.nextInt(nodes.size()))));
      }
    }
    return new SchedulingRequest(FW, null, offers, demands, placed);
  }

  private static Constraint randomConstraint(Random r) {
    String attribute = List.of("hostname", "zone", "rack", "pool").get(r.nextInt(4));
    return switch (r.nextInt(9)) {
      case 0 -> Constraint.of(attribute, Operator.UNIQUE);
      case 1 -> Constraint.of(attribute, Operator.CLUSTER);
      case 2 -> Constraint.of("zone", Operator.CLUSTER, ZONES[r.nextInt(3)]);
      case 3 -> Constraint.of(attribute, Operator.GROUP_BY);
      case 4 -> Constraint.of(attribute, Operator.GROUP_BY, String.valueOf(2 + r.nextInt(3)));
      case 5 -> Constraint.of("pool", Operator.LIKE, r.nextBoolean() ? "metal|edge" : "c.*");
      case 6 -> Constraint.of("rack", Operator.UNLIKE, "r[12]");
      case 7 -> Constraint.of(attribute, Operator.MAX_PER, String.valueOf(1 + r.nextInt(3)));
      default -> Constraint.of("pool", Operator.IS, "metal");
    };
  }
}
