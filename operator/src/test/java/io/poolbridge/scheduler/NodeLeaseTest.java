package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.hosts;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.offers;
import static io.poolbridge.scheduler.Fixtures.res;
import static io.poolbridge.scheduler.Fixtures.running;
import static io.poolbridge.scheduler.Fixtures.schedule;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NodeLease: whole nodes lent exclusively to a Kubernetes cluster. */
class NodeLeaseTest {
  private final AgentInfo small = node("ams-metal", "small", 8, 32);
  private final AgentInfo big = node("ams-metal", "big", 32, 128);
  private final AgentInfo big2 = node("ams-metal", "big2", 32, 128);

  private static WorkloadDemand lease(int nodes, double minCores, double minGib) {
    return workload("tenant-a/workers", minCores, minGib).instances(nodes).kind(WorkloadKind.NODE_LEASE).build();
  }

  @Test
  void aLeaseTakesAWholeNodeLargeEnoughAndAllOfIt() {
    Decisions d = schedule(offers().whole(small, big).list(), List.of(), lease(1, 16, 64));

    assertThat(d.assignments()).singleElement().satisfies(a -> {
      assertThat(a.agentId()).isEqualTo("ams-metal/big");
      assertThat(a.resources()).isEqualTo(big.total());
    });
  }

  @Test
  void aPartlyUsedNodeIsNeverLeased() {
    // big2 has something else running: its offer holds only part of it.
    Decisions d = schedule(offers().part(big2, res(31, 127)).list(), List.of(), lease(1, 16, 64));

    assertThat(d.assignments()).isEmpty();
    assertThat(d.reason("workers-0")).hasValueSatisfying(r -> {
      assertThat(r.code()).isEqualTo(Reason.Code.INSUFFICIENT_RESOURCES);
      assertThat(r.message()).isEqualTo("No whole free node with at least cpu 16, memory 64Gi offered in pools ams-metal");
    });
  }

  @Test
  void twoLeasesNeverShareANodeAndNothingElseJoinsALeasedNode() {
    WorkloadDemand leases = lease(2, 16, 64);
    WorkloadDemand web = workload("shop/web", 1, 1).priority(-1).build();

    Decisions d = schedule(offers().whole(big, big2).list(), List.of(), leases, web);

    assertThat(hosts(d)).containsOnlyKeys("workers-0", "workers-1");
    assertThat(hosts(d).values()).containsExactlyInAnyOrder("big", "big2");
    assertThat(d.reason("web-0")).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(Reason.Code.INSUFFICIENT_RESOURCES));
  }

  @Test
  void aNodeAServiceTookEarlierInTheCallIsNoLongerWhole() {
    WorkloadDemand web = workload("shop/web", 1, 1).priority(10).build();

    Decisions d = schedule(offers().whole(big).list(), List.of(), web, lease(1, 16, 64));

    assertThat(hosts(d)).containsOnlyKeys("web-0");
    assertThat(d.reason("workers-0")).isPresent();
  }

  @Test
  void leasesHonourConstraintsOverRunningLeases() {
    AgentInfo za = node("ams-metal", "za", 32, 128, "zone", "a");
    AgentInfo za2 = node("ams-metal", "za2", 32, 128, "zone", "a");
    AgentInfo zb = node("ams-metal", "zb", 32, 128, "zone", "b");
    WorkloadDemand w = workload("tenant-a/workers", 16, 64).instanceIds(List.of("workers-1")).kind(WorkloadKind.NODE_LEASE)
        .constraint(Constraint.of("zone", Constraint.Operator.UNIQUE)).build();

    Decisions d = schedule(offers().whole(za2, zb).list(), List.of(running("workers-0", w, za)), w);

    assertThat(hosts(d)).containsExactly(Map.entry("workers-1", "zb"));
  }
}
