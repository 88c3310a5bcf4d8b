package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.hosts;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.offers;
import static io.poolbridge.scheduler.Fixtures.res;
import static io.poolbridge.scheduler.Fixtures.schedule;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.poolbridge.allocator.AgentInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which feasible node an instance gets: own capacity, then cost, then spread or bin-pack. */
class StrategyAndCostTest {
  private final AgentInfo busy = node("ams-metal", "busy", 8, 32);
  private final AgentInfo idle = node("ams-metal", "idle", 8, 32);
  // busy has 6 of 8 cpu used by others: only 2 cpu offered. idle is offered whole.
  private final List<NodeOffer> offers = offers().part(busy, res(2, 8)).whole(idle).list();

  @Test
  void spreadPicksTheLeastLoadedNode() {
    Decisions d = schedule(offers, List.of(), workload("shop/web", 1, 1).strategy(Strategy.SPREAD).build());

    assertThat(hosts(d)).containsExactly(Map.entry("web-0", "idle"));
  }

  @Test
  void binPackPicksTheFullestNodeAndFillsIt() {
    Decisions d = schedule(offers, List.of(), workload("shop/batch", 1, 1).instances(3).strategy(Strategy.BIN_PACK).build());

    assertThat(hosts(d)).containsExactly(Map.entry("batch-0", "busy"), Map.entry("batch-1", "busy"), Map.entry("batch-2", "idle"));
  }

  @Test
  void spreadAlternatesAsNodesFillUp() {
    AgentInfo n1 = node("p", "n1", 4, 16);
    AgentInfo n2 = node("p", "n2", 4, 16);
    Decisions d = schedule(offers().whole(n1, n2).list(), List.of(), workload("shop/web", 1, 1).instances(4).build());

    assertThat(hosts(d)).containsExactly(
        Map.entry("web-0", "n1"), Map.entry("web-1", "n2"), Map.entry("web-2", "n1"), Map.entry("web-3", "n2"));
  }

  @Test
  void theCheapestPoolWinsOverTheStrategyAndThePriceIsReported() {
    AgentInfo aws = node("fra-aws", "i-1", 16, 64);
    AgentInfo metal = node("ams-metal", "m-1", 16, 64);
    // cpu per core-hour, memory per GiB-hour.
    Prices prices = Prices.of(SCHEMA, Map.of("fra-aws", new double[] {0.04, 0.005}, "ams-metal", new double[] {0.02, 0.002}));
    // Metal is busier (only half offered), so spread alone would choose aws.
    List<NodeOffer> o = offers().whole(aws).part(metal, res(8, 32)).list();

    Decisions d = schedule(prices, o, List.of(), workload("shop/web", 2, 4).instances(2).build());

    assertThat(d.assignments()).allSatisfy(a -> {
      assertThat(a.pool()).isEqualTo("ams-metal");
      assertThat(a.pricePerHour()).isCloseTo(2 * 0.02 + 4 * 0.002, within(1e-9));
    });
  }

  @Test
  void whenTheCheapPoolIsFullTheNextCheapestIsUsed() {
    AgentInfo aws = node("fra-aws", "i-1", 16, 64);
    AgentInfo gcp = node("par-gcp", "g-1", 16, 64);
    AgentInfo metal = node("ams-metal", "m-1", 16, 64);
    Prices prices = Prices.of(SCHEMA, Map.of(
        "fra-aws", new double[] {0.05, 0.005}, "par-gcp", new double[] {0.04, 0.004}, "ams-metal", new double[] {0.02, 0.002}));

    Decisions d = schedule(prices, offers().whole(aws, gcp).part(metal, res(4, 64)).list(), List.of(),
        workload("shop/web", 4, 4).instances(2).build());

    assertThat(d.assignments()).extracting(Assignment::pool).containsExactly("ams-metal", "par-gcp");
  }

  @Test
  void aPoolWithoutPricesReportsNoPrice() {
    Decisions d = schedule(Prices.of(SCHEMA, Map.of("other", new double[] {1, 1})), offers().whole(idle).list(), List.of(),
        workload("shop/web", 1, 1).build());

    assertThat(d.assignments()).singleElement().satisfies(a -> assertThat(a.pricePerHour()).isNull());
  }

  @Test
  void ownCapacityComesBeforeBorrowedAndBorrowedOnlyToThoseWhoAcceptIt() {
    AgentInfo lent = node("ams-metal", "lent", 8, 32);
    List<NodeOffer> o = offers().revocable(lent, res(8, 32)).part(busy, res(2, 8)).list();
    WorkloadDemand flexible = workload("batch/flex", 1, 1).instances(3).revocableOk().build();
    WorkloadDemand strict = workload("batch/strict", 1, 1).instances(2).priority(-1).build();

    Decisions d = schedule(o, List.of(), flexible, strict);

    // flex fills the own offer (2 cpu) first, then borrows; strict finds only borrowed capacity left.
    assertThat(d.assignments()).filteredOn(a -> a.workloadKey().equals("batch/flex"))
        .extracting(Assignment::agentId, Assignment::revocable)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ams-metal/busy", false),
            org.assertj.core.groups.Tuple.tuple("ams-metal/busy", false),
            org.assertj.core.groups.Tuple.tuple("ams-metal/lent", true));
    assertThat(d.reason("strict-0")).hasValueSatisfying(r ->
        assertThat(r.message()).isEqualTo("Insufficient cpu in pools ams-metal"));

    Decisions onlyBorrowed = schedule(offers().revocable(lent, res(8, 32)).list(), List.of(), strict);
    assertThat(onlyBorrowed.assignments()).isEmpty();
    assertThat(onlyBorrowed.reason("strict-0")).hasValueSatisfying(r -> {
      assertThat(r.code()).isEqualTo(Reason.Code.REVOCABLE_ONLY);
      assertThat(r.message()).isEqualTo("Only revocable offers, and the workload does not accept revocable capacity");
    });
  }

  @Test
  void higherPriorityThenOlderWorkloadsChooseFirst() {
    AgentInfo only = node("p", "only", 2, 8);
    WorkloadDemand oldLow = workload("t/old-low", 2, 1).priority(1).created(1).build();
    WorkloadDemand newHigh = workload("t/new-high", 2, 1).priority(5).created(9).build();
    WorkloadDemand oldHigh = workload("t/old-high", 2, 1).priority(5).created(3).build();

    Decisions d = schedule(offers().whole(only).list(), List.of(), oldLow, newHigh, oldHigh);

    assertThat(hosts(d)).containsOnlyKeys("old-high-0");
    assertThat(d.unplaced()).extracting(Unplaced::instanceId).containsExactly("new-high-0", "old-low-0");
  }

  @Test
  void acceptedOffersCarryTheLaunchesAndUnusedOnesAreDeclined() {
    Decisions d = schedule(offers, List.of(), workload("shop/web", 1, 2).instances(2).strategy(Strategy.BIN_PACK).build());

    assertThat(d.offers()).hasSize(2);
    OfferDecision onBusy = d.offers().get(0);
    assertThat(onBusy.accepted()).isTrue();
    assertThat(onBusy.launches()).extracting(l -> l.instanceId()).containsExactly("web-0", "web-1");
    assertThat(onBusy.launches()).allSatisfy(l -> assertThat(l.resources()).isEqualTo(res(1, 2)));
    assertThat(d.offers().get(1).accepted()).isFalse();
  }
}
