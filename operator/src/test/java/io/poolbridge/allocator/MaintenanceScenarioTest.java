package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Maintenance and agent loss. Mesos schedules maintenance with unavailability windows and inverse
 * offers (MaintenanceInverseOffers); ours is an agent state: an agent that is DRAINING, under
 * MAINTENANCE or DOWN gets no offers, its outstanding offers are rescinded, and every cycle lists
 * its placements in {@link CycleResult#toMove()} until they are recovered. Removing an agent
 * (Mesos' RemoveSlaveRecoverResources) rescinds its offers and reports its placements lost.
 */
class MaintenanceScenarioTest {

  private static Scenario twoAgentsOneInstance() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("marathon", "web");
    s.addAgent("agent1", "cpus:2;mem:1024");
    s.addAgent("agent2", "cpus:2;mem:1024");
    assertThat(s.allocate()).containsExactlyInAnyOrder(
        "marathon <- agent1 cpus:2;mem:1024", "marathon <- agent2 cpus:2;mem:1024");
    s.accept("marathon", "agent1", s.launch("web-1", "cpus:1;mem:512", 0));
    s.advance(FrameworkInfo.DEFAULT_REFUSE);
    assertThat(s.allocate()).containsExactly("marathon <- agent1 cpus:1;mem:512");
    return s;
  }

  @Test
  void drainingAgentGetsNoOffersAndItsPlacementsMustMove() {
    Scenario s = twoAgentsOneInstance();

    assertThat(Scenario.show(s.allocator.setAgentState("agent1", AgentState.DRAINING)))
        .containsExactly("marathon <- agent1 cpus:1;mem:512");
    assertThat(Scenario.show(s.allocator.outstandingOffers())).containsExactly("marathon <- agent2 cpus:2;mem:1024");

    CycleResult cycle = s.allocator.allocate();
    assertThat(cycle.offers()).isEmpty();
    assertThat(Scenario.showPlacements(cycle.toMove())).containsExactly("web-1 of marathon @ agent1 cpus:1;mem:512");

    s.declineAll(Duration.ZERO);
    s.tick();
    cycle = s.allocator.allocate();
    assertThat(Scenario.show(cycle.offers())).containsExactly("marathon <- agent2 cpus:2;mem:1024");
    assertThat(Scenario.showPlacements(cycle.toMove())).containsExactly("web-1 of marathon @ agent1 cpus:1;mem:512");

    // The window opens: still no offers, still to move.
    assertThat(s.allocator.setAgentState("agent1", AgentState.MAINTENANCE)).isEmpty();
    cycle = s.allocator.allocate();
    assertThat(cycle.offers()).isEmpty();
    assertThat(cycle.toMove()).extracting(Placement::instanceId).containsExactly("web-1");

    // The instance was moved elsewhere; after maintenance the whole agent is offered again.
    s.allocator.recover("web-1");
    assertThat(s.allocator.allocate().toMove()).isEmpty();
    s.allocator.setAgentState("agent1", AgentState.ACTIVE);
    assertThat(s.allocate()).containsExactly("marathon <- agent1 cpus:2;mem:1024");
  }

  @Test
  void downAgentGetsNoOffersAndItsPlacementsMustMove() {
    Scenario s = twoAgentsOneInstance();

    assertThat(Scenario.show(s.allocator.setAgentState("agent1", AgentState.DOWN)))
        .containsExactly("marathon <- agent1 cpus:1;mem:512");
    CycleResult cycle = s.allocator.allocate();
    assertThat(cycle.offers()).isEmpty();
    assertThat(Scenario.showPlacements(cycle.toMove())).containsExactly("web-1 of marathon @ agent1 cpus:1;mem:512");
    assertThat(s.allocator.usage("agent1").state()).isEqualTo(AgentState.DOWN);

    // Back before anything moved: the instance stays, the rest of the agent is offered again.
    s.allocator.setAgentState("agent1", AgentState.ACTIVE);
    cycle = s.allocator.allocate();
    assertThat(Scenario.show(cycle.offers())).containsExactly("marathon <- agent1 cpus:1;mem:512");
    assertThat(cycle.toMove()).isEmpty();
  }

  /**
   * Capacity under maintenance cannot back a guarantee: once the agent held for a role's quota
   * drains, the other agent is held instead; when the first comes back, the second is offered again.
   */
  @Test
  void agentOutOfServiceIsNoHeadroom() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:1024"));
    s.addFramework("framework", "no-quota-role");
    assertThat(s.addAgentAndAllocate("agent1", "cpus:2;mem:1024")).isEmpty();
    assertThat(s.addAgentAndAllocate("agent2", "cpus:2;mem:1024"))
        .containsExactly("framework <- agent2 cpus:2;mem:1024");

    s.allocator.setAgentState("agent1", AgentState.DRAINING);
    s.decline("framework", "agent2", Duration.ZERO);
    s.tick();
    assertThat(s.allocate()).isEmpty();

    s.allocator.setAgentState("agent1", AgentState.ACTIVE);
    assertThat(Scenario.show(s.allocator.allocate(List.of("agent2")).offers()))
        .containsExactly("framework <- agent2 cpus:2;mem:1024");
  }

  @Test
  void removingAnAgentRescindsItsOffersAndReportsItsPlacementsLost() {
    Scenario s = twoAgentsOneInstance();

    AgentRemoval removal = s.allocator.removeAgent("agent1");
    assertThat(Scenario.show(removal.rescinded())).containsExactly("marathon <- agent1 cpus:1;mem:512");
    assertThat(Scenario.showPlacements(removal.lost())).containsExactly("web-1 of marathon @ agent1 cpus:1;mem:512");
    assertThat(s.allocator.placements()).isEmpty();
    assertThat(Scenario.show(s.allocator.outstandingOffers())).containsExactly("marathon <- agent2 cpus:2;mem:1024");
    assertThat(s.allocator.share("marathon")).isEqualTo(1.0);
  }

  /**
   * Mesos' RemoveSlaveRecoverResources (MESOS-621): removing an agent releases what it held in the
   * shares at once, so the framework that held it is first for the next agent.
   */
  @Test
  void removedAgentLeavesTheShares() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:2;mem:200");
    s.addFramework("framework1", "role");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:200");
    s.addFramework("framework2", "role");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:100"))
        .containsExactly("framework2 <- agent2 cpus:1;mem:100");

    assertThat(Scenario.show(s.allocator.removeAgent("agent1").rescinded()))
        .containsExactly("framework1 <- agent1 cpus:2;mem:200");
    assertThat(s.addAgentAndAllocate("agent3", "cpus:1;mem:100"))
        .containsExactly("framework1 <- agent3 cpus:1;mem:100");
  }
}
