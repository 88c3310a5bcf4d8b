package io.poolbridge.engine;

import io.poolbridge.scheduler.*;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.engine.SimulationReport.WorkloadReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A gang that needs some evictions and some free room, run through the allocator and the schedulers. */
class GangPreemptionSimulationTest {
  private final AgentInfo a = node("ams-metal", "a", 4, 16);
  private final AgentInfo b = node("ams-metal", "b", 4, 16);
  private final AgentInfo c = node("ams-metal", "c", 4, 16);

  @Test
  void aHighPriorityGangUsesTheFreeNodeAndEvictsForTheRest() {
    Simulation sim = new Simulation(SCHEMA, Prices.NONE, Duration.ofSeconds(1), 5);
    sim.addAgent(b);
    sim.addAgent(c);
    sim.addFramework(FrameworkInfo.of("batch", "batch"));
    sim.addFramework(FrameworkInfo.of("hpc", "hpc"));
    // One low-priority preemptible instance fills each of b and c.
    sim.submit(WorkloadDemand.builder("batch/filler", "batch", res(4, 1)).instances(2).preemptible().build());
    WorkloadReport before = sim.run(100).workload("batch/filler");
    assertThat(before.placed()).extracting(Assignment::agentId).containsExactlyInAnyOrder(b.id(), c.id());

    // Node a joins empty; the gang needs three whole nodes.
    sim.addAgent(a);
    sim.submit(WorkloadDemand.builder("hpc/mpi", "hpc", res(4, 1)).instances(3).priority(1000).gang().build());
    SimulationReport report = sim.run(300);

    WorkloadReport mpi = report.workload("hpc/mpi");
    assertThat(mpi.placed()).extracting(Assignment::agentId)
        .containsExactlyInAnyOrder(a.id(), b.id(), c.id());
    WorkloadReport filler = report.workload("batch/filler");
    assertThat(filler.placed()).isEmpty();
    assertThat(filler.unplaced()).hasSize(2);
    // Each victim was preempted once, by the gang member that took its node; a stays the free node's.
    assertThat(report.events()).filteredOn(e -> e.contains("preempted by hpc/mpi"))
        .hasSize(2).noneSatisfy(e -> assertThat(e).contains(a.id()));
    before.placed().forEach(was -> assertThat(report.events())
        .anySatisfy(e -> assertThat(e).contains(was.instanceId() + " of batch/filler preempted by hpc/mpi", "on " + was.agentId())));
    assertThat(report.stable()).isTrue();
  }
}
