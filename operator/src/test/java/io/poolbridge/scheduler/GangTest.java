package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.hosts;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.offers;
import static io.poolbridge.scheduler.Fixtures.schedule;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gang workload (an MPI job, a Spark application) runs all its instances or none. */
class GangTest {
  private final AgentInfo n1 = node("ams-metal", "n1", 8, 64);
  private final AgentInfo n2 = node("ams-metal", "n2", 8, 64);

  @Test
  void aGangThatDoesNotFitPlacesNothingAndDeclinesEveryOffer() {
    // 5 x 4 cpu on two 8-cpu nodes: 4 would fit, the fifth not.
    WorkloadDemand mpi = workload("hpc/mpi", 4, 8).instances(5).gang().build();

    Decisions d = schedule(offers().whole(n1, n2).list(), List.of(), mpi);

    assertThat(d.assignments()).isEmpty();
    assertThat(d.offers()).noneMatch(OfferDecision::accepted);
    assertThat(d.unplaced()).hasSize(5).allSatisfy(u -> {
      assertThat(u.reason().code()).isEqualTo(Reason.Code.GANG);
      assertThat(u.reason().message()).isEqualTo("Waiting for gang of 5: Insufficient cpu in pools ams-metal");
    });
  }

  @Test
  void aGangThatFitsIsPlacedWhole() {
    WorkloadDemand mpi = workload("hpc/mpi", 4, 8).instances(4).gang().build();

    Decisions d = schedule(offers().whole(n1, n2).list(), List.of(), mpi);

    assertThat(hosts(d)).hasSize(4);
    assertThat(d.unplaced()).isEmpty();
  }

  @Test
  void aRolledBackGangLeavesItsCapacityToLowerPriorityWork() {
    WorkloadDemand mpi = workload("hpc/mpi", 4, 8).instances(5).gang().priority(100).build();
    WorkloadDemand batch = workload("hpc/batch", 4, 8).instances(4).priority(1).build();

    Decisions d = schedule(offers().whole(n1, n2).list(), List.of(), mpi, batch);

    assertThat(hosts(d)).containsOnlyKeys("batch-0", "batch-1", "batch-2", "batch-3");
    assertThat(d.reason("mpi-0")).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(Reason.Code.GANG));
  }

  @Test
  void aGangBlockedByAConstraintSaysWhich() {
    AgentInfo a = node("ams-metal", "a", 16, 64, "zone", "a");
    AgentInfo b = node("fra-metal", "b", 16, 64, "zone", "b");
    WorkloadDemand zk = workload("infra/zk", 1, 1).instances(3).gang()
        .constraint(Constraint.of("zone", Constraint.Operator.UNIQUE)).build();

    Decisions d = schedule(offers().whole(a, b).list(), List.of(), zk);

    assertThat(d.assignments()).isEmpty();
    assertThat(d.unplaced()).extracting(u -> u.reason().message())
        .containsOnly("Waiting for gang of 3: Constraint zone UNIQUE has no value left");
  }

  /**
   * A gang's nodes may be offered in different cycles. Declining with the refuse filter would
   * stagger them for ever; the offers the gang could use are declined without a filter, so they
   * come back together at the next cycle. An offer nothing pending can use keeps the filter.
   */
  @Test
  void offersARolledBackGangCouldUseAreDeclinedWithoutAFilter() {
    AgentInfo gpu = node("ams-metal", "gpu", 16, 64, "gpu-model", "v100");
    AgentInfo cpuOnly = node("ams-metal", "cpu", 16, 64);
    WorkloadDemand training = workload("ml/training", 8, 16).instances(4).gang()
        .constraint(Constraint.of("gpu-model", Constraint.Operator.IS, "v100"))
        .constraint(Constraint.of("hostname", Constraint.Operator.MAX_PER, "2"))
        .build();

    Decisions d = schedule(offers().whole(gpu, cpuOnly).list(), List.of(), training);

    assertThat(d.assignments()).isEmpty();
    assertThat(d.offers()).noneMatch(OfferDecision::accepted);
    assertThat(d.offers()).filteredOn(o -> o.offer().agentId().equals(gpu.id()))
        .singleElement().satisfies(o -> assertThat(o.refuse()).isEqualTo(java.time.Duration.ZERO));
    assertThat(d.offers()).filteredOn(o -> o.offer().agentId().equals(cpuOnly.id()))
        .singleElement().satisfies(o -> assertThat(o.refuse()).isNull());
  }
}
