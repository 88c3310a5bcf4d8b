package io.poolbridge.engine;

import io.poolbridge.scheduler.*;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Placement;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.Constraint.Operator;
import io.poolbridge.engine.SimulationReport.WorkloadReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random estates and workloads, run to the end: whatever happened on the way (borrowing,
 * revocation, preemption), what a user finally sees must be consistent.
 */
class SimulationInvariantsTest {
  private static final String[] ZONES = {"z1", "z2", "z3"};
  private static final String[] FRAMEWORKS = {"marathon", "spark", "batch"};

  private record Estate(Simulation sim, Map<String, AgentInfo> agents, List<WorkloadDemand> workloads) {}

  private static Estate randomEstate(long seed) {
    Random r = new Random(seed);
    Simulation sim = new Simulation(SCHEMA, Prices.of(SCHEMA, Map.of("cloud", new double[] {0.04, 0.005})), Duration.ofSeconds(1), seed);
    Map<String, AgentInfo> agents = new HashMap<>();
    for (String pool : List.of("metal", "cloud", "edge")) {
      for (int i = 0; i < 2 + r.nextInt(2); i++) {
        AgentInfo a = node(pool, pool + i, 4 + 4 * r.nextInt(3), 16 + 16 * r.nextInt(2), "zone", ZONES[r.nextInt(3)]);
        sim.addAgent(a);
        agents.put(a.id(), a);
      }
    }
    sim.addFramework(FrameworkInfo.of("marathon", "web"));
    sim.addFramework(FrameworkInfo.of("spark", "analytics"));
    sim.addFramework(new FrameworkInfo("batch", "batch", true, null, null));
    sim.setQuota("web", Quota.guarantee(Map.of("cpu", 16000L, "memory", 64 * Fixtures.GIB)));
    sim.setQuota("analytics", Quota.limit(Map.of("cpu", 16000L)));
    List<WorkloadDemand> workloads = new ArrayList<>();
    for (int w = 0; w < 10; w++) {
      // The guaranteed role's work comes in the second wave, to reclaim what batch borrowed.
      String fw = w < 5 ? FRAMEWORKS[1 + r.nextInt(2)] : FRAMEWORKS[r.nextInt(3)];
      WorkloadDemand.Builder b = WorkloadDemand.builder("ns" + w + "/w" + w, fw, res(1 + r.nextInt(4), 1 + r.nextInt(8)))
          .instances(1 + r.nextInt(8)).priority(r.nextInt(3) * 10).created(w)
          .strategy(r.nextBoolean() ? Strategy.SPREAD : Strategy.BIN_PACK);
      switch (r.nextInt(6)) {
        case 0 -> b.constraint(Constraint.of("hostname", Operator.UNIQUE));
        case 1 -> b.constraint(Constraint.of("zone", Operator.MAX_PER, "2"));
        case 2 -> b.constraint(Constraint.of("zone", Operator.CLUSTER));
        case 3 -> b.constraint(Constraint.of("pool", Operator.UNLIKE, "edge"));
        case 4 -> b.constraint(Constraint.of("zone", Operator.GROUP_BY));
        default -> { }
      }
      if (r.nextInt(4) == 0) {
        b.gang();
      }
      if (r.nextBoolean()) {
        b.preemptible();
      }
      if (fw.equals("batch")) {
        b.revocableOk();
      }
      if (fw.equals("marathon") && r.nextInt(5) == 0) {
        b.kind(WorkloadKind.NODE_LEASE).instances(1);
      }
      workloads.add(b.build());
    }
    return new Estate(sim, agents, workloads);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
  void whatTheUserSeesIsConsistent(long seed) {
    Estate e = randomEstate(seed);
    // Two waves, and a node drained in between.
    e.workloads().subList(0, 5).forEach(e.sim()::submit);
    e.sim().run(400);
    e.sim().setAgentState(e.agents().keySet().stream().sorted().findFirst().orElseThrow(), AgentState.DRAINING);
    e.workloads().subList(5, 10).forEach(e.sim()::submit);
    SimulationReport report = e.sim().run(400);
    assertThat(report.stable()).as("converged").isTrue();

    // The report and the allocator agree on every placement.
    Map<String, Placement> allocated = e.sim().allocator().placements().stream()
        .collect(Collectors.toMap(Placement::instanceId, p -> p));
    Map<String, Resources> perAgent = new HashMap<>();
    List<String> reported = new ArrayList<>();
    for (WorkloadDemand d : e.workloads()) {
      WorkloadReport w = report.workload(d.key());
      // Every instance is placed or explained, never both.
      assertThat(w.placed().size() + w.unplaced().size()).as(d.key()).isEqualTo(d.instanceIds().size());
      assertThat(w.unplaced()).allSatisfy(u -> assertThat(u.reason().message()).isNotBlank());
      if (d.gang()) {
        assertThat(w.placed().size()).as("gang " + d.key()).isIn(0, d.instanceIds().size());
      }
      for (Assignment a : w.placed()) {
        Placement p = allocated.get(a.instanceId());
        assertThat(p).as(a.instanceId()).isNotNull();
        assertThat(p.agentId()).isEqualTo(a.agentId());
        assertThat(p.revocable()).isEqualTo(a.revocable());
        assertThat(!a.revocable() || d.revocableOk()).as("revocable only if accepted").isTrue();
        perAgent.merge(a.agentId(), a.resources(), Resources::plus);
        reported.add(a.instanceId());
      }
      assertConstraintsHold(d, w, e.agents());
      if (d.kind() == WorkloadKind.NODE_LEASE) {
        for (Assignment a : w.placed()) {
          assertThat(a.resources()).isEqualTo(e.agents().get(a.agentId()).total());
        }
      }
    }
    assertThat(allocated.keySet()).containsExactlyInAnyOrderElementsOf(reported);
    perAgent.forEach((agent, used) -> assertThat(used.fitsIn(e.agents().get(agent).total())).as("capacity of " + agent).isTrue());
  }

  private static void assertConstraintsHold(WorkloadDemand d, WorkloadReport w, Map<String, AgentInfo> agents) {
    for (Constraint c : d.constraints()) {
      Map<String, Long> perValue = w.placed().stream().collect(Collectors.groupingBy(
          a -> agents.get(a.agentId()).attributes().getOrDefault(c.attribute(), "<none>"), Collectors.counting()));
      switch (c.operator()) {
        case UNIQUE -> assertThat(perValue.values()).as(d.key() + " " + c).allMatch(n -> n == 1);
        case MAX_PER -> assertThat(perValue.values()).as(d.key() + " " + c).allMatch(n -> n <= Long.parseLong(c.value()));
        case CLUSTER -> assertThat(perValue).as(d.key() + " " + c).hasSizeLessThanOrEqualTo(1);
        case UNLIKE -> assertThat(perValue).as(d.key() + " " + c).doesNotContainKey(c.value());
        default -> { }
      }
    }
  }
}
