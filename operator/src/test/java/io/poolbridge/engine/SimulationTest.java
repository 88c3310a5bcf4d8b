package io.poolbridge.engine;

import io.poolbridge.scheduler.*;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.SimulationReport.WorkloadReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The allocator and the schedulers together on small estates, until stable. */
class SimulationTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final AgentInfo a1 = node("ams-metal", "a1", 8, 32, "zone", "ams-1", "provider", "equinix");
  private final AgentInfo a2 = node("ams-metal", "a2", 8, 32, "zone", "ams-2", "provider", "equinix");
  private final AgentInfo f1 = node("fra-aws", "f1", 8, 32, "zone", "eu-central-1a", "provider", "aws");
  private final AgentInfo f2 = node("fra-aws", "f2", 8, 32, "zone", "eu-central-1b", "provider", "aws");

  private static Simulation simulation(long seed, AgentInfo... agents) {
    Simulation sim = new Simulation(SCHEMA, Prices.NONE, INTERVAL, seed);
    for (AgentInfo a : agents) {
      sim.addAgent(a);
    }
    return sim;
  }

  private static WorkloadDemand.Builder workload(String key, String fw, double cores, double gib) {
    return WorkloadDemand.builder(key, fw, res(cores, gib));
  }

  private static Map<String, Integer> perAgent(WorkloadReport w) {
    Map<String, Integer> m = new TreeMap<>();
    w.placed().forEach(a -> m.merge(a.agentId(), 1, Integer::sum));
    return m;
  }

  /** No agent is ever allocated beyond its capacity. */
  private static void assertNoOvercommit(Simulation sim, AgentInfo... agents) {
    for (AgentInfo a : agents) {
      assertThat(sim.allocator().usage(a.id()).allocated().fitsIn(a.total())).as(a.id()).isTrue();
    }
  }

  @Test
  void twoFrameworksShareAMultiCloudEstateUnderTheirConstraints() {
    Simulation sim = simulation(42, a1, a2, f1, f2);
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.addFramework(FrameworkInfo.of("spark", "analytics"));
    sim.submit(workload("shop/web", "marathon", 1, 2).instances(4)
        .constraint(Constraint.of("zone", Constraint.Operator.UNIQUE)).build());
    sim.submit(workload("bi/etl", "spark", 1.5, 4).instances(4)
        .constraint(Constraint.of("provider", Constraint.Operator.IS, "aws")).strategy(Strategy.BIN_PACK).build());

    SimulationReport report = sim.run(100);

    assertThat(report.stable()).isTrue();
    assertThat(perAgent(report.workload("shop/web")))
        .containsOnlyKeys("ams-metal/a1", "ams-metal/a2", "fra-aws/f1", "fra-aws/f2").containsValues(1);
    assertThat(report.workload("bi/etl").placed()).hasSize(4).allSatisfy(a -> assertThat(a.pool()).isEqualTo("fra-aws"));
    assertThat(report.workload("bi/etl").unplaced()).isEmpty();
    assertNoOvercommit(sim, a1, a2, f1, f2);
  }

  @Test
  void instancesThatCannotFitAreReportedWithTheirReason() {
    Simulation sim = simulation(1, a1, f1);
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.submit(workload("shop/huge", "marathon", 12, 1).build());
    sim.submit(workload("shop/web", "marathon", 1, 1).instances(3)
        .constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE)).build());

    SimulationReport report = sim.run(100);

    assertThat(report.stable()).isTrue();
    assertThat(report.workload("shop/web").placed()).hasSize(2);
    assertThat(report.workload("shop/web").unplaced()).singleElement().satisfies(u ->
        assertThat(u.reason().message()).isEqualTo("Constraint hostname UNIQUE has no value left"));
    assertThat(report.workload("shop/huge").unplaced()).singleElement().satisfies(u ->
        assertThat(u.reason().message()).isEqualTo(
            "Insufficient cpu in pools ams-metal,fra-aws: no node is big enough for one instance of cpu 12, memory 1Gi"));
  }

  @Test
  void aFrameworkWithNothingPendingIsSuppressedSoTheOthersGetTheOffersAtOnce() {
    Simulation sim = simulation(3, a1, a2);
    // "aaa" sorts first among equal shares: unsuppressed, it would be offered an agent and decline it.
    sim.addFramework(FrameworkInfo.of("aaa-idle", "idle"));
    sim.addFramework(FrameworkInfo.of("busy", "work"));
    sim.submit(workload("t/fill", "busy", 8, 32).instances(2).build());

    SimulationReport oneRound = sim.run(1);

    assertThat(oneRound.workload("t/fill").placed()).hasSize(2);
  }

  @Test
  void aRoleAtItsLimitGetsNoMoreAndSaysSo() {
    Simulation sim = simulation(5, a1, a2);
    sim.addFramework(FrameworkInfo.of("marathon", "eng"));
    sim.setQuota("eng", Quota.limit(Map.of("cpu", 4000L)));
    sim.submit(workload("eng/api", "marathon", 1, 1).instances(6).build());

    SimulationReport report = sim.run(100);

    assertThat(report.workload("eng/api").placed()).hasSize(4);
    assertThat(report.workload("eng/api").unplaced()).hasSize(2).allSatisfy(u -> {
      assertThat(u.reason().code()).isEqualTo(Reason.Code.ROLE_LIMIT);
      assertThat(u.reason().message()).startsWith("Limit of role eng reached");
    });
  }

  @Test
  void borrowedCapacityIsReclaimedForItsOwnerAndTheRevokedInstancesArePlacedAgainWhenRoomAppears() {
    Simulation sim = simulation(11, a1, a2);
    sim.addFramework(FrameworkInfo.of("prod-fw", "prod"));
    sim.addFramework(new FrameworkInfo("batch-fw", "batch", true, null, null));
    // The allocator lends only guaranteed resources, so the guarantee names both cpu and memory.
    sim.setQuota("prod", Quota.guarantee(Map.of("cpu", 8000L, "memory", 32 * Fixtures.GIB)));
    sim.submit(workload("batch/crunch", "batch-fw", 1, 1).instances(16).revocableOk().build());

    // prod wants nothing yet: batch gets the 8 unguaranteed cpus and borrows prod's 8.
    SimulationReport borrowed = sim.run(100);
    assertThat(borrowed.workload("batch/crunch").placed()).hasSize(16)
        .filteredOn(Assignment::revocable).hasSize(8);

    // prod's service arrives: the borrowed cpus come back to it.
    sim.submit(workload("prod/api", "prod-fw", 1, 1).instances(8).build());
    SimulationReport reclaimed = sim.run(100);
    assertThat(reclaimed.workload("prod/api").placed()).hasSize(8).noneMatch(Assignment::revocable);
    WorkloadReport batch = reclaimed.workload("batch/crunch");
    assertThat(batch.placed()).hasSize(8).noneMatch(Assignment::revocable);
    assertThat(batch.unplaced()).hasSize(8);
    List<String> revoked = batch.unplaced().stream().map(Unplaced::instanceId).toList();
    assertThat(reclaimed.events()).filteredOn(e -> e.contains("revoked: borrowed capacity reclaimed by role prod")).hasSize(8);
    assertNoOvercommit(sim, a1, a2);

    // A new node joins: the revoked instances run again.
    AgentInfo a3 = node("ams-metal", "a3", 8, 32, "zone", "ams-3");
    sim.addAgent(a3);
    SimulationReport replaced = sim.run(100);
    assertThat(replaced.workload("batch/crunch").unplaced()).isEmpty();
    assertThat(replaced.workload("batch/crunch").placed())
        .filteredOn(a -> revoked.contains(a.instanceId()))
        .hasSize(8).allSatisfy(a -> assertThat(a.agentId()).isEqualTo("ams-metal/a3"));
    assertThat(replaced.workload("prod/api").placed()).hasSize(8);
  }

  @Test
  void aHigherPriorityWorkloadPreemptsPreemptibleOnesAndTheVictimsCannotTakeItBack() {
    Simulation sim = simulation(2, a1);
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.submit(workload("shop/batch", "marathon", 1, 1).instances(8).priority(1).preemptible().build());
    assertThat(sim.run(100).workload("shop/batch").placed()).hasSize(8);

    sim.submit(workload("shop/checkout", "marathon", 2, 1).instances(2).priority(100).preemptible().build());
    SimulationReport report = sim.run(200);

    assertThat(report.stable()).isTrue();
    assertThat(report.workload("shop/checkout").placed()).hasSize(2);
    // 4 cpu were needed: exactly four 1-cpu victims, and they stay pending.
    assertThat(report.workload("shop/batch").placed()).hasSize(4);
    assertThat(report.workload("shop/batch").unplaced()).hasSize(4);
    assertThat(report.events()).filteredOn(e -> e.contains("preempted by shop/checkout")).hasSize(4);
    assertNoOvercommit(sim, a1);
  }

  @Test
  void theRoomFreedForAPreemptorIsNotTakenBackByTheVictimsFramework() {
    Simulation sim = simulation(8, a1, a2);
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.addFramework(FrameworkInfo.of("batch", "batch"));
    sim.submit(workload("shop/static", "marathon", 8, 8).build());
    // crunch fills a1 completely, so batch is never offered a1 and never filtered there.
    sim.submit(workload("batch/crunch", "batch", 1, 4).instances(8).priority(1).preemptible().build());
    sim.run(100);
    // batch keeps asking (for something that never fits), so it is not suppressed.
    sim.submit(workload("batch/huge", "batch", 9, 1).build());
    // After the evictions batch holds less than web, so DRF offers the freed cpus to batch first.
    sim.submit(workload("shop/checkout", "marathon", 4, 1).priority(100).build());

    SimulationReport report = sim.run(300);

    assertThat(report.stable()).isTrue();
    assertThat(report.workload("shop/checkout").placed()).singleElement()
        .satisfies(a -> assertThat(a.agentId()).isEqualTo(a1.id()));
    assertThat(report.workload("batch/crunch").placed()).hasSize(4);
    assertThat(report.events()).filteredOn(e -> e.contains("preempted by shop/checkout")).hasSize(4);
  }

  @Test
  void aPreemptionTheAllocatorCannotHonourIsNotRepeated() {
    Simulation sim = simulation(12, a1);
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.addFramework(FrameworkInfo.of("spark", "analytics"));
    // web's guarantee exceeds the estate: whatever web frees stays held for web.
    sim.setQuota("web", Quota.guarantee(Map.of("cpu", 16000L)));
    sim.submit(workload("shop/batch", "marathon", 1, 1).instances(8).priority(1).preemptible().build());
    sim.run(100);
    sim.submit(workload("bi/urgent", "spark", 2, 1).priority(100).build());

    SimulationReport report = sim.run(300);

    // Two victims were evicted once; the allocator gave their room back to web; no eviction loop.
    assertThat(report.stable()).isTrue();
    assertThat(report.events()).filteredOn(e -> e.contains("preempted by bi/urgent")).hasSize(2);
    assertThat(report.workload("shop/batch").placed()).hasSize(8);
    // Level 1 offers spark nothing that holds its instance (web's guarantee holds the room), so it
    // waits without offers, and says so.
    assertThat(report.workload("bi/urgent").unplaced()).hasSize(1).allSatisfy(u -> {
      assertThat(u.reason().code()).isEqualTo(Reason.Code.NO_OFFERS);
      assertThat(u.reason().message()).isEqualTo(
          "No offers with room for it: the free capacity is in use, held for other roles, or declined recently");
    });
  }

  @Test
  void instancesOnADrainingNodeMoveElsewhere() {
    Simulation sim = simulation(9, a1, a2);
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.submit(workload("shop/web", "marathon", 1, 1).instances(4).build());
    assertThat(perAgent(sim.run(100).workload("shop/web"))).containsKeys("ams-metal/a1", "ams-metal/a2");

    sim.setAgentState(a1.id(), AgentState.DRAINING);
    SimulationReport report = sim.run(100);

    assertThat(perAgent(report.workload("shop/web"))).containsOnlyKeys("ams-metal/a2").containsValue(4);
    assertThat(report.events()).filteredOn(e -> e.contains("moved off ams-metal/a1 (DRAINING)")).hasSize(2);
  }

  @Test
  void nodeLeasesGetWholeNodesAndServicesTheRest() {
    AgentInfo big = node("ams-metal", "big", 32, 128, "zone", "ams-1");
    Simulation sim = simulation(4, a1, a2, big);
    sim.addFramework(FrameworkInfo.of("tenant-k8s", "tenants"));
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.submit(workload("tenant-a/workers", "tenant-k8s", 16, 64).kind(WorkloadKind.NODE_LEASE).priority(10).build());
    sim.submit(workload("shop/web", "marathon", 1, 1).instances(10).build());

    SimulationReport report = sim.run(100);

    assertThat(report.workload("tenant-a/workers").placed()).singleElement().satisfies(a -> {
      assertThat(a.agentId()).isEqualTo("ams-metal/big");
      assertThat(a.resources()).isEqualTo(big.total());
    });
    assertThat(perAgent(report.workload("shop/web"))).doesNotContainKey("ams-metal/big");
    assertThat(report.workload("shop/web").placed()).hasSize(10);
  }

  @Test
  void theSameSeedGivesTheSameOutcome() {
    assertThat(busyEstate(77)).isEqualTo(busyEstate(77));
  }

  private SimulationReport busyEstate(long seed) {
    Simulation sim = simulation(seed, a1, a2, f1, f2);
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.addFramework(FrameworkInfo.of("spark", "analytics"));
    sim.addFramework(new FrameworkInfo("batch", "batch", true, null, null));
    sim.setQuota("web", Quota.guarantee(Map.of("cpu", 8000L)));
    sim.submit(workload("shop/web", "marathon", 0.5, 1).instances(7)
        .constraint(Constraint.of("zone", Constraint.Operator.GROUP_BY)).build());
    sim.submit(workload("bi/etl", "spark", 1.5, 3).instances(9).strategy(Strategy.BIN_PACK).build());
    sim.submit(workload("hpc/mpi", "batch", 3, 2).instances(3).gang().revocableOk().build());
    return sim.run(200);
  }

  @Test
  void demandIsWhatIsStillPending() {
    // Reported demand is what lets the allocator reclaim borrowed capacity; a gang that cannot fit keeps asking.
    Simulation sim = simulation(6, a1);
    sim.addFramework(FrameworkInfo.of("batch", "batch"));
    sim.submit(workload("hpc/mpi", "batch", 4, 1).instances(3).gang().build());

    SimulationReport report = sim.run(100);

    assertThat(report.stable()).isTrue();
    assertThat(report.workload("hpc/mpi").unplaced()).hasSize(3).allSatisfy(u ->
        assertThat(u.reason().message()).isEqualTo(
            "Waiting for gang of 3: Insufficient cpu in pools ams-metal; the estate cannot hold all 3 now"));
    assertThat(sim.allocator().usage(a1.id()).allocated()).isEqualTo(Resources.none(SCHEMA));
  }

  /**
   * A framework near its role's limit must not spend the limit on offers it cannot use. Mesos
   * offers it the cloud nodes too (its constraints rule them out), and they count against the limit
   * until declined, so the third metal node it needs is offered without cpu. Level 1 knows the
   * demand's shapes and the nodes they may run on: it offers the cloud nodes to nobody here, and
   * all three instances run at the first cycle.
   */
  @Test
  void aFrameworkNearItsLimitIsNotOfferedNodesItsConstraintsRuleOut() {
    AgentInfo m1 = node("metal", "m1", 16, 64, "provider", "colo");
    AgentInfo m2 = node("metal", "m2", 16, 64, "provider", "colo");
    AgentInfo m3 = node("metal", "m3", 16, 64, "provider", "colo");
    AgentInfo c1 = node("cloud", "c1", 8, 32, "provider", "aws");
    AgentInfo c2 = node("cloud", "c2", 8, 32, "provider", "aws");
    Simulation sim = simulation(7, m1, m2, m3, c1, c2);
    sim.addFramework(FrameworkInfo.of("web", "apps/web"));
    sim.setQuota("apps/web", new Quota(Map.of("cpu", 8_000L), Map.of("cpu", 40_000L)));
    sim.submit(workload("a/frontend", "web", 2, 4).instances(3)
        .constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE))
        .constraint(Constraint.of("provider", Constraint.Operator.IS, "colo"))
        .build());

    SimulationReport first = sim.run(1);
    assertThat(perAgent(first.workload("a/frontend"))).containsOnlyKeys(m1.id(), m2.id(), m3.id());
    assertThat(first.workload("a/frontend").unplaced()).isEmpty();
    assertNoOvercommit(sim, m1, m2, m3, c1, c2);
  }
}
