package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Static reservations: offered to their role and its descendants, never to anyone else. Mesos'
 * Reservations, OfferAncestorReservationsToDescendantChild, RecoverResources and
 * NonQuotaRoleReservationWithQuotaRole (Mesos runs the last with dynamic and static reservations; we
 * only have static ones).
 */
class ReservationScenarioTest {

  /** Mesos' Reservations: a role's reservation is offered to its frameworks only. */
  @Test
  void reservationsAreOfferedOnlyToTheirRole() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus(role1):2;mem(role1):1024");
    s.addAgent("agent2", "cpus(role2):2;mem(role2):1024;cpus:1;mem:1024");
    // No framework in role3: this agent is never offered.
    s.addAgent("agent3", "cpus(role3):1;mem(role3):1024");

    s.addFramework("framework1", "role1");
    assertThat(s.allocate()).containsExactlyInAnyOrder(
        "framework1 <- agent1 cpus:2;mem:1024",
        "framework1 <- agent2 cpus:1;mem:1024");

    s.addFramework("framework2", "role2");
    assertThat(s.allocate()).containsExactly("framework2 <- agent2 cpus:2;mem:1024");

    // Everything back: role2 (fewer allocations) comes first and takes all of agent2, but nothing
    // of agent1, which goes to role1.
    s.declineAll(Duration.ZERO);
    s.tick();
    assertThat(s.allocate()).containsExactlyInAnyOrder(
        "framework1 <- agent1 cpus:2;mem:1024",
        "framework2 <- agent2 cpus:3;mem:2048");
    assertThat(s.allocator.usage("agent3").allocated().isEmpty()).isTrue();
  }

  /** Mesos' OfferAncestorReservationsToDescendantChild: a's and a/b's reservations reach a/b/c. */
  @Test
  void ancestorReservationsAreOfferedToDescendants() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "a/b/c");

    assertThat(s.addAgentAndAllocate("agent1", "cpus(a):1;mem(a):512"))
        .containsExactly("framework1 <- agent1 cpus:1;mem:512");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:2;mem:1024;cpus(a/b):4;mem(a/b):2048"))
        .containsExactly("framework1 <- agent2 cpus:6;mem:3072");
  }

  /**
   * Ours: a reservation for a/b is not offered to its parent a, to a sibling whose name merely
   * starts the same (a/bc), nor to an unrelated role; a descendant (a/b/c) gets it.
   */
  @Test
  void reservationsAreNeverOfferedToStrangers() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("parent", "a");
    s.addFramework("lookalike", "a/bc");
    s.addFramework("stranger", "b");
    assertThat(s.addAgentAndAllocate("agent1", "cpus(a/b):4;mem(a/b):2048")).isEmpty();
    s.tick();
    assertThat(s.allocate()).isEmpty();

    s.addFramework("child", "a/b/c");
    assertThat(s.allocate()).containsExactly("child <- agent1 cpus:4;mem:2048");
  }

  /**
   * After Mesos' RecoverResources, which returns the reserved and the unreserved part of an offer
   * separately. Our frameworks return parts by launching on some and declining the rest: an
   * instance takes the reservation first, so the unused unreserved part can go to another role,
   * and when the instance ends the reservation goes back to its role only.
   */
  @Test
  void instancesUseTheReservationFirstAndReleaseItToTheirRole() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus(role1):1;mem(role1):200;cpus:1;mem:200");
    s.addFramework("framework1", "role1");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:400");

    s.addFramework("framework2", "role2");
    assertThat(Scenario.showPlacements(s.accept("framework1", "agent1", s.launch("task1", "cpus:1;mem:200", 0))))
        .containsExactly("task1 of framework1 @ agent1 cpus:1;mem:200");
    assertThat(s.allocate()).containsExactly("framework2 <- agent1 cpus:1;mem:200");

    s.allocator.recover("task1");
    s.advance(FrameworkInfo.DEFAULT_REFUSE);
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:1;mem:200");
  }

  /**
   * Mesos' NonQuotaRoleReservationWithQuotaRole (MESOS-8293): a role without quota gets its
   * reservation even while the unreserved half of the agent is held for another role's guarantee.
   */
  @Test
  void reservationIsOfferedBesideHeadroomHeldForAGuarantee() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:2;mem:2048;cpus(non-quota-role):2;mem(non-quota-role):2048");
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:2048"));
    s.addFramework("framework1", "quota-role");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:2048");

    s.decline("framework1", "agent1", Duration.ofDays(1));
    s.addFramework("framework2", "non-quota-role");
    assertThat(s.allocate()).containsExactly("framework2 <- agent1 cpus:2;mem:2048");
    assertThat(s.allocator.usage("agent1").free()).isEqualTo(s.res("cpus:2;mem:2048"));
  }
}
