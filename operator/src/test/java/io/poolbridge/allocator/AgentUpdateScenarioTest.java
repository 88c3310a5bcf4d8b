package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An agent that changes (Mesos' updateSlave: a new total, attributes or reservations) stays the same
 * agent: its outstanding offers are rescinded, its placements stay and keep counting in every
 * account, and the next cycle offers what is free under the new capacity.
 */
class AgentUpdateScenarioTest {

  private static Scenario oneInstanceOnAgent1(String agent1) {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "web");
    s.addAgent("agent1", agent1);
    s.allocate();
    s.accept("framework1", "agent1", s.launch("web-1", "cpus:1;mem:256", 0));
    s.advance(FrameworkInfo.DEFAULT_REFUSE);
    return s;
  }

  @Test
  void grownAgentKeepsItsPlacementAndOffersTheRest() {
    Scenario s = oneInstanceOnAgent1("cpus:4;mem:1024");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:3;mem:768");

    // The outstanding offer is taken back (without a filter); the instance stays.
    assertThat(s.updateAgent("agent1", "cpus:8;mem:2048")).containsExactly("framework1 <- agent1 cpus:3;mem:768");
    assertThat(Scenario.showPlacements(s.allocator.placements())).containsExactly("web-1 of framework1 @ agent1 cpus:1;mem:256");
    AgentUsage u = s.allocator.usage("agent1");
    assertThat(Scenario.show(u.total())).isEqualTo("cpus:8;mem:2048");
    assertThat(Scenario.show(u.allocated())).isEqualTo("cpus:1;mem:256");
    assertThat(Scenario.show(u.free())).isEqualTo("cpus:7;mem:1792");
    // 1 of 8 cpus, 256 of 2048 MB: the share is of the new total.
    assertThat(s.allocator.share("framework1")).isCloseTo(0.125, within(1e-12));

    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:7;mem:1792");
  }

  @Test
  void agentShrunkBelowItsPlacementsHasNothingFreeUntilTheyEnd() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "web");
    s.addAgent("agent1", "cpus:4;mem:1024");
    s.allocate();
    s.accept("framework1", "agent1", s.launch("web-1", "cpus:3;mem:768", 0));
    s.addAgent("agent2", "cpus:2;mem:512");

    assertThat(s.updateAgent("agent1", "cpus:2;mem:512")).isEmpty();
    AgentUsage u = s.allocator.usage("agent1");
    assertThat(Scenario.show(u.allocated())).isEqualTo("cpus:3;mem:768");
    assertThat(u.free().isEmpty()).isTrue();
    // The cluster is now 4 cpus and 1024 MB, of which the instance holds 3 and 768.
    assertThat(s.allocator.share("framework1")).isCloseTo(0.75, within(1e-12));

    // Only agent2 is offered; agent1 has nothing free (and never a negative offer).
    s.advance(FrameworkInfo.DEFAULT_REFUSE);
    assertThat(s.allocate()).containsExactly("framework1 <- agent2 cpus:2;mem:512");

    // Once the instance ends, agent1 is offered whole again, as its new total.
    s.allocator.recover("web-1");
    assertThat(s.allocator.share("framework1")).isCloseTo(0.5, within(1e-12));
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:512");
    assertThat(s.allocator.usage("agent1").free().isEmpty()).isTrue();
  }

  /** A shrunk agent does not make the headroom held for a guarantee look larger than it is. */
  @Test
  void shrunkAgentLeavesTheHeadroomTrue() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "web");
    s.addAgent("agent1", "cpus:4;mem:1024");
    s.allocate();
    s.accept("framework1", "agent1", s.launch("web-1", "cpus:4;mem:1024", 0));
    s.updateAgent("agent1", "cpus:2;mem:512");
    s.allocator.recover("web-1");
    // Free again: exactly the new total (a wrong headroom would offer less or more below).
    s.addFramework("framework2", "quota-role");
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:512"));
    assertThat(s.allocate()).containsExactly("framework2 <- agent1 cpus:2;mem:512");
    assertThat(s.allocator.guaranteeMet("quota-role")).isTrue();
  }

  /**
   * A reservation that goes away: the placement that used it stays and counts from then on as
   * unreserved use of its role, so the role's guarantee is still short of the same amount.
   */
  @Test
  void placementOnARemovedReservationCountsAsUnreservedUse() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "web");
    s.allocator.setQuota("web", Quota.guarantee(s.res("cpus:3;mem:768").asMap()));
    s.addAgent("agent1", "cpus:2;mem:512;cpus(web):2;mem(web):512");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:4;mem:1024");
    s.accept("framework1", "agent1", s.launch("web-1", "cpus:2;mem:512", 0));
    assertThat(s.allocator.placementReservations("web-1")).containsOnlyKeys("web");
    s.advance(FrameworkInfo.DEFAULT_REFUSE);
    // The reservation (2, 512) and the instance on it: short of 1 cpu and 256 MB.
    assertThat(Scenario.show(s.allocator.guaranteeShortfall("web"))).isEqualTo("cpus:1;mem:256");

    s.updateAgent("agent1", "cpus:4;mem:1024");
    assertThat(s.allocator.placementReservations("web-1")).isEmpty();
    assertThat(Scenario.show(s.allocator.guaranteeShortfall("web"))).isEqualTo("cpus:1;mem:256");
    assertThat(Scenario.show(s.allocator.usage("agent1").free())).isEqualTo("cpus:2;mem:512");
    // The guarantee is served first: 1 cpu and 256 MB guaranteed, the rest from the surplus.
    s.addFramework("framework2", "other");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:512");
  }

  /** A reservation that shrinks: what of the placement no longer fits in it becomes unreserved. */
  @Test
  void placementOnAShrunkReservationKeepsWhatStillFits() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "web");
    s.addAgent("agent1", "cpus:2;mem:512;cpus(web):2;mem(web):512");
    s.allocate();
    s.accept("framework1", "agent1", s.launch("web-1", "cpus:2;mem:512", 0));

    s.updateAgent("agent1", "cpus:3;mem:768;cpus(web):1;mem(web):256");
    Map<String, Resources> split = s.allocator.placementReservations("web-1");
    assertThat(split).containsOnlyKeys("web");
    assertThat(Scenario.show(split.get("web"))).isEqualTo("cpus:1;mem:256");
    s.advance(FrameworkInfo.DEFAULT_REFUSE);
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:512");
    // Removing the framework gives everything back: the agent is whole again.
    s.allocator.removeFramework("framework1");
    assertThat(s.allocator.usage("agent1").allocated().isEmpty()).isTrue();
    s.addFramework("framework2", "web");
    assertThat(s.allocate()).containsExactly("framework2 <- agent1 cpus:4;mem:1024");
  }

  @Test
  void updatedAgentKeepsItsStateAndNewAttributes() {
    Scenario s = oneInstanceOnAgent1("cpus:4;mem:1024");
    s.allocator.setAgentState("agent1", AgentState.DRAINING);
    assertThat(s.updateAgent("agent1", "cpus:8;mem:2048")).isEmpty();
    assertThat(s.allocator.usage("agent1").state()).isEqualTo(AgentState.DRAINING);
    CycleResult cycle = s.allocator.allocate();
    assertThat(cycle.offers()).isEmpty();
    assertThat(cycle.toMove()).extracting(Placement::instanceId).containsExactly("web-1");

    s.allocator.setAgentState("agent1", AgentState.ACTIVE);
    s.allocator.updateAgent(new AgentInfo("agent1", "other-pool", Map.of("zone", "b"), s.res("cpus:8;mem:2048"), Map.of()));
    assertThat(s.allocator.placements()).extracting(Placement::pool).containsExactly("other-pool");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:7;mem:1792");
  }

  @Test
  void unknownAgentIsAnError() {
    Scenario s = Scenario.of("cpus", "mem");
    assertThatThrownBy(() -> s.updateAgent("nope", "cpus:1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rescindedOffersLeaveNoFilter() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "web");
    s.addAgent("agent1", "cpus:1;mem:512");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:1;mem:512");
    assertThat(s.updateAgent("agent1", "cpus:2;mem:512")).containsExactly("framework1 <- agent1 cpus:1;mem:512");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:512");
    s.allocator.decline(s.outstanding("framework1", "agent1").id(), Duration.ofHours(1));
    s.tick();
    assertThat(s.allocate()).isEmpty();
  }
}
