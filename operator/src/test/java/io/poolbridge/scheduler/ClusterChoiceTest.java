package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.FW;
import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.offers;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code CLUSTER} without a value (issue 10, defect 15): Marathon binds it to the value of the
 * first placement, which strands the rest of the workload when that value is too small. poolbridge
 * binds it to the cheapest value where the whole workload fits, and says so when none does.
 */
class ClusterChoiceTest {
  private final AgentInfo s1 = node("small", "s1", 8, 32);
  private final AgentInfo s2 = node("small", "s2", 8, 32);
  private final AgentInfo b1 = node("big", "b1", 8, 32);
  private final AgentInfo b2 = node("big", "b2", 8, 32);
  private final AgentInfo b3 = node("big", "b3", 8, 32);
  private final AgentInfo b4 = node("big", "b4", 8, 32);
  /** The small pool is the cheaper one: an instance on its own would go there first. */
  private final Prices prices = Prices.of(SCHEMA, Map.of("small", new double[] {0.01, 0}, "big", new double[] {0.02, 0}));

  private Decisions schedule(WorkloadDemand d) {
    List<NodeOffer> all = offers().whole(s1, s2, b1, b2, b3, b4).list();
    return new FrameworkScheduler(prices).schedule(new SchedulingRequest(FW, null, all, List.of(d), List.of()));
  }

  @Test
  void bindsToTheCheapestValueWhereTheWholeWorkloadFits() {
    // 6 x 4 cpu: the small pool holds 4, the big one 8.
    Decisions d = schedule(workload("a/etl", 4, 4).instances(6)
        .constraint(Constraint.of("pool", Constraint.Operator.CLUSTER)).build());

    assertThat(d.assignments()).hasSize(6).allSatisfy(a -> assertThat(a.pool()).isEqualTo("big"));
    assertThat(d.unplaced()).isEmpty();
  }

  @Test
  void prefersTheCheaperValueWhenBothHoldEverything() {
    Decisions d = schedule(workload("a/etl", 4, 4).instances(4)
        .constraint(Constraint.of("pool", Constraint.Operator.CLUSTER)).build());

    assertThat(d.assignments()).hasSize(4).allSatisfy(a -> assertThat(a.pool()).isEqualTo("small"));
  }

  @Test
  void saysSoWhenNoValueHoldsTheWholeWorkload() {
    // 10 x 4 cpu: no pool holds 10; the big one holds the most (8), and the rest wait with a reason.
    Decisions d = schedule(workload("a/etl", 4, 4).instances(10)
        .constraint(Constraint.of("pool", Constraint.Operator.CLUSTER)).build());

    assertThat(d.assignments()).hasSize(8).allSatisfy(a -> assertThat(a.pool()).isEqualTo("big"));
    assertThat(d.unplaced()).hasSize(2).allSatisfy(u -> assertThat(u.reason().message()).isEqualTo(
        "Constraint pool CLUSTER: no pool has room for all 10 instances; the most, pool=big, holds 8"));
  }

  @Test
  void aGangIsPlacedWhereItFitsWhole() {
    Decisions d = schedule(workload("a/mpi", 8, 8).instances(3).gang()
        .constraint(Constraint.of("pool", Constraint.Operator.CLUSTER)).build());

    assertThat(d.assignments()).hasSize(3).allSatisfy(a -> assertThat(a.pool()).isEqualTo("big"));
  }

  @Test
  void runningInstancesKeepTheirValue() {
    WorkloadDemand w = workload("a/etl", 4, 4).instanceIds(List.of("etl-1", "etl-2"))
        .constraint(Constraint.of("pool", Constraint.Operator.CLUSTER)).build();
    List<NodeOffer> all = offers().whole(s1, s2, b1, b2, b3, b4).list();
    Decisions d = new FrameworkScheduler(prices).schedule(new SchedulingRequest(
        FW, null, all, List.of(w), List.of(Fixtures.running("etl-0", w, s1))));

    assertThat(d.assignments()).hasSize(2).allSatisfy(a -> assertThat(a.pool()).isEqualTo("small"));
  }
}
