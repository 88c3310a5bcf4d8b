package io.poolbridge.engine;

import io.poolbridge.scheduler.*;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Capacity a framework cannot use reaches one that can (issue 10, defects 7 and 12): a framework
 * first in DRF order never keeps a node it declines, a gang holds the nodes it gathered only while
 * it can complete, and a role at its limit on one resource is not offered the others.
 */
class OfferHoardingTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private static Simulation simulation(long seed, AgentInfo... agents) {
    Simulation sim = new Simulation(SCHEMA, Prices.NONE, INTERVAL, seed);
    for (AgentInfo a : agents) {
      sim.addAgent(a);
    }
    return sim;
  }

  /**
   * A gang of 3 whole nodes can never complete on 2 free nodes: it must not keep a node from
   * another framework's ordinary Service, which Mesos' DRF serves as soon as the gang's framework
   * declines. The gang's framework holds far less than the Service's (which runs most of a big
   * node), so it is first in DRF order for both small nodes every cycle; the gang says why it waits.
   */
  @Test
  void aGangThatCanNeverCompleteHoldsNoNodeFromAnotherFramework() {
    for (long seed = 1; seed <= 10; seed++) {
      AgentInfo r1 = node("rack", "r1", 8, 32);
      AgentInfo r2 = node("rack", "r2", 8, 32);
      AgentInfo big = node("rack", "big", 64, 256);
      Simulation sim = simulation(seed, r1, r2, big);
      sim.addFramework(FrameworkInfo.of("hpc", "hpc"));
      sim.addFramework(FrameworkInfo.of("web", "web"));
      sim.submit(WorkloadDemand.builder("shop/base", "web", res(60, 200)).instances(1)
          .constraint(Constraint.of("hostname", Constraint.Operator.IS, "big")).build());
      assertThat(sim.run(50).workload("shop/base").placed()).hasSize(1);

      sim.submit(WorkloadDemand.builder("sci/mpi", "hpc", res(8, 8)).instances(3).gang().build());
      sim.submit(WorkloadDemand.builder("shop/api", "web", res(8, 8)).instances(1).build());
      SimulationReport report = sim.run(200);

      assertThat(report.workload("shop/api").placed()).as("seed %d", seed).hasSize(1);
      assertThat(report.stable()).as("seed %d", seed).isTrue();
      assertThat(report.workload("sci/mpi").placed()).isEmpty();
      assertThat(report.workload("sci/mpi").unplaced()).allSatisfy(u -> {
        assertThat(u.reason().code()).isEqualTo(Reason.Code.GANG);
        assertThat(u.reason().message()).startsWith("Waiting for gang of 3: ");
      });
    }
  }

  /**
   * A gang that can complete still gathers its nodes: 3 whole nodes free, each offered on its own,
   * are held until the gang has them all.
   */
  @Test
  void aGangThatCanCompleteStillGathersItsNodes() {
    for (long seed = 1; seed <= 10; seed++) {
      AgentInfo r1 = node("rack", "r1", 8, 32);
      AgentInfo r2 = node("rack", "r2", 8, 32);
      AgentInfo r3 = node("rack", "r3", 8, 32);
      Simulation sim = simulation(seed, r1, r2, r3);
      sim.addFramework(FrameworkInfo.of("hpc", "hpc"));
      sim.addFramework(FrameworkInfo.of("web", "web"));
      sim.submit(WorkloadDemand.builder("sci/mpi", "hpc", res(8, 8)).instances(3).gang().build());
      sim.submit(WorkloadDemand.builder("shop/api", "web", res(1, 1)).instances(1).priority(-1).build());

      SimulationReport report = sim.run(200);

      assertThat(report.stable()).as("seed %d", seed).isTrue();
      int gang = report.workload("sci/mpi").placed().size();
      int api = report.workload("shop/api").placed().size();
      // Either the gang got all three nodes, or the Service took one first and the gang cannot
      // complete: never a node idle with both waiting.
      assertThat(gang == 3 && api == 0 || gang == 0 && api == 1).as("seed %d: gang %d, api %d", seed, gang, api).isTrue();
    }
  }

  /**
   * The part of a node one framework cannot use (its instance needs the whole node) goes to a
   * framework that can, although the first is ahead in DRF order and the node is big enough for
   * its instance in total.
   */
  @Test
  void whatOneFrameworkCannotUseOfANodeReachesAnotherThatCan() {
    AgentInfo n1 = node("rack", "n1", 8, 32);
    Simulation sim = simulation(3, n1);
    sim.addFramework(FrameworkInfo.of("big", "big"));
    sim.addFramework(FrameworkInfo.of("small", "small"));
    sim.submit(WorkloadDemand.builder("b/first", "small", res(4, 4)).instances(1).build());
    assertThat(sim.run(50).workload("b/first").placed()).hasSize(1);

    // "big" now holds nothing (share 0) and wants the whole node; "small" wants what is left.
    sim.submit(WorkloadDemand.builder("a/whole", "big", res(8, 8)).instances(1).build());
    sim.submit(WorkloadDemand.builder("b/second", "small", res(4, 4)).instances(1).build());
    SimulationReport report = sim.run(200);

    assertThat(report.workload("b/second").placed()).hasSize(1);
    assertThat(report.workload("a/whole").placed()).isEmpty();
    assertThat(report.stable()).isTrue();
  }

  /**
   * A role at its memory limit keeps no node's cpu: the other framework's 300 small instances all
   * fit on 10 nodes of 64 cpu and must all be placed (the defect placed 120).
   */
  @Test
  void aRoleAtItsLimitOnOneResourceIsNotOfferedTheOthers() {
    AgentInfo[] nodes = new AgentInfo[10];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = node("rack", "n" + i, 64, 512);
    }
    Simulation sim = simulation(11, nodes);
    sim.addFramework(FrameworkInfo.of("capped", "capped"));
    sim.addFramework(FrameworkInfo.of("wide", "wide"));
    sim.setQuota("capped", new Quota(Map.of(), Map.of("memory", 64L << 30)));
    // 4 x 16Gi reach the limit; 4 more stay pending for the limit's sake.
    sim.submit(WorkloadDemand.builder("c/mem", "capped", res(1, 16)).instances(8).build());
    sim.submit(WorkloadDemand.builder("w/many", "wide", res(1, 1)).instances(300).build());

    SimulationReport report = sim.run(500);

    assertThat(report.workload("c/mem").placed()).hasSize(4);
    assertThat(report.workload("c/mem").unplaced()).allSatisfy(u ->
        assertThat(u.reason().code()).isEqualTo(Reason.Code.ROLE_LIMIT));
    assertThat(report.workload("w/many").placed()).hasSize(300);
    assertThat(report.stable()).isTrue();
  }

  /**
   * A role's reservations count against its limit, used or not (as in Mesos). Role prod reserves a
   * whole node and has a limit of that size: an instance that may not run on the reserved node
   * (its constraint wants the other) cannot run at all, and the reason names the limit, not a lack
   * of offers or of cpu on the idle node.
   */
  @Test
  void aLimitTheRolesOwnReservationsFillIsTheReasonNamed() {
    AgentInfo reserved = new AgentInfo("rack/a", "rack", Map.of("hostname", "a"), res(8, 32), Map.of("prod", res(8, 32)));
    AgentInfo other = node("rack", "b", 8, 32);
    Simulation sim = simulation(5, reserved, other);
    sim.addFramework(FrameworkInfo.of("web", "prod"));
    sim.setQuota("prod", new Quota(Map.of(), Map.of("cpu", 8_000L)));
    sim.submit(WorkloadDemand.builder("p/api", "web", res(4, 4)).instances(1)
        .constraint(Constraint.of("hostname", Constraint.Operator.IS, "b")).build());

    SimulationReport report = sim.run(100);

    assertThat(report.workload("p/api").placed()).isEmpty();
    assertThat(report.workload("p/api").unplaced()).singleElement().satisfies(u -> {
      assertThat(u.reason().code()).isEqualTo(Reason.Code.ROLE_LIMIT);
      assertThat(u.reason().message()).isEqualTo("Limit of role prod reached");
    });
    assertThat(report.stable()).isTrue();
  }

  /**
   * The nodes a workload's counts rule out now are not offered to it either. A UNIQUE hostname
   * workload of two runs one instance on one of three nodes; its role's cpu limit then grows by one
   * instance. Offered the node the first runs on first (as Mesos would, for agent orders that visit
   * it first), the framework would spend the new room on it, decline it and wait out the filter; it
   * is offered another node instead, and the second instance runs at that very cycle, whatever the
   * agent order.
   */
  @Test
  void aNodeTheWorkloadsCountsRuleOutIsNotOfferedToIt() {
    for (long seed = 1; seed <= 12; seed++) {
      AgentInfo m1 = node("rack", "m1", 16, 64);
      AgentInfo m2 = node("rack", "m2", 16, 64);
      AgentInfo m3 = node("rack", "m3", 16, 64);
      Simulation sim = simulation(seed, m1, m2, m3);
      sim.addFramework(FrameworkInfo.of("web", "web"));
      sim.setQuota("web", new Quota(Map.of(), Map.of("cpu", 4_000L)));
      sim.submit(WorkloadDemand.builder("shop/api", "web", res(4, 4)).instances(2)
          .constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE)).build());
      SimulationReport first = sim.run(50);
      assertThat(first.workload("shop/api").placed()).as("seed %d", seed).hasSize(1);

      sim.setQuota("web", new Quota(Map.of(), Map.of("cpu", 8_000L)));
      SimulationReport next = sim.run(1);
      assertThat(next.workload("shop/api").placed()).as("seed %d: both run at the next cycle", seed).hasSize(2);
    }
  }
}
