package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Headroom held for unmet guarantees, and reservations counted in quota: Mesos'
 * QuotaAbsentFrameworkWholeAgent, MultiQuotaAbsentFrameworks, ReservationWithinQuota,
 * QuotaSetAsideReservedResources, ReservationUnallocated, ReservationAllocated,
 * QuotaHeadroomWhenReservationsExceedQuota, QuotaWithAncestorReservations,
 * QuotaWithNestedRoleReservation, QuotaWithNestedRoleAllocation and
 * QuotaHeadroomWithNestedRoleAllocation.
 *
 * <p>Headroom: fair share never takes the unreserved capacity still needed by unmet guarantees
 * (guarantee minus reservations minus unreserved allocation, per top quota role), whether or not
 * the role has a framework yet.
 */
class QuotaHeadroomScenarioTest {

  /**
   * Mesos' QuotaAbsentFrameworkWholeAgent: a role with quota and no framework has a whole agent
   * held for it; the next agent goes to the framework without quota.
   */
  @Test
  void headroomIsHeldForARoleWithoutFrameworks() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:1024"));
    s.addFramework("framework", "no-quota-role");
    assertThat(s.allocate()).isEmpty();

    assertThat(s.addAgentAndAllocate("agent1", "cpus:2;mem:1024")).isEmpty();
    assertThat(s.addAgentAndAllocate("agent2", "cpus:2;mem:1024"))
        .containsExactly("framework <- agent2 cpus:2;mem:1024");
    s.tick();
    assertThat(s.allocate()).isEmpty();
  }

  /**
   * Mesos' MultiQuotaAbsentFrameworks: nothing is held for a quota role without frameworks at the
   * expense of another quota role whose guarantee is not met: the latter gets the whole agent.
   */
  @Test
  void roleWithoutFrameworksDoesNotBlockAnotherQuotaRole() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:2;mem:2048");
    s.allocator.setQuota("quota-role-1", s.quota("cpus:1;mem:1024"));
    s.allocator.setQuota("quota-role-2", s.quota("cpus:2;mem:2048"));
    s.addFramework("framework", "quota-role-2");
    assertThat(s.allocate()).containsExactly("framework <- agent1 cpus:2;mem:2048");
  }

  /**
   * Mesos' ReservationWithinQuota: a role's reservation counts towards its quota and in DRF, so with
   * its quota reached the other role gets the rest of the agent and the next agent too.
   */
  @Test
  void reservationsCountTowardsQuotaAndShares() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:256"));
    s.addFramework("framework1", "quota-role");
    s.addFramework("framework2", "non-quota-role");
    s.addAgent("agent1", "cpus:8;mem(quota-role):256");
    s.running("task1", "framework1", "agent1", "cpus:2;mem:256");

    assertThat(s.allocate()).containsExactly("framework2 <- agent1 cpus:6");
    // quota-role holds all the memory (share 1); non-quota-role 6 of 12 cpus.
    assertThat(s.addAgentAndAllocate("agent2", "cpus:4")).containsExactly("framework2 <- agent2 cpus:4");
  }

  /**
   * Mesos' QuotaSetAsideReservedResources: 8 cpus, 4 reserved for another role, a quota of 4. The
   * headroom is taken from the unreserved half only: with every offer declined, nothing moves.
   */
  @Test
  void headroomIsNeverSetAsideFromOtherRolesReservations() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:4;mem:512");
    s.addAgent("agent2", "cpus(no-quota-role):4;mem(no-quota-role):512");
    s.addFramework("framework1", "quota-role");
    s.allocator.setQuota("quota-role", s.quota("cpus:4;mem:512"));
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:4;mem:512");

    Duration longFilter = s.interval.multipliedBy(10);
    s.decline("framework1", "agent1", longFilter);
    s.tick();
    assertThat(s.allocate()).isEmpty();

    s.addFramework("framework2", "no-quota-role");
    assertThat(s.allocate()).containsExactly("framework2 <- agent2 cpus:4;mem:512");
    s.decline("framework2", "agent2", longFilter);
    s.tick();
    // framework1 may not have agent2 (reserved), framework2 may not have agent1 (headroom).
    assertThat(s.allocate()).isEmpty();
  }

  /**
   * Mesos' ReservationUnallocated: a reservation counts towards its role's quota even when declined,
   * so with the quota reached by it, an unreserved agent is not offered to the role.
   */
  @Test
  void unusedReservationCountsTowardsQuota() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus(quota-role):1;mem(quota-role):1024");
    s.allocator.setQuota("quota-role", s.quota("cpus:1;mem:1024"));
    s.addFramework("framework1", "quota-role");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:1;mem:1024");

    s.decline("framework1", "agent1", Duration.ofDays(1));
    assertThat(s.allocator.guaranteeMet("quota-role")).isTrue();
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:1024")).isEmpty();
  }

  /**
   * Mesos' ReservationAllocated: with a quota of twice the reservation, the role gets one more
   * unreserved agent and then nothing.
   */
  @Test
  void usedReservationCountsTowardsQuota() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus(quota-role):1;mem(quota-role):1024");
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:2048"));
    s.addFramework("framework1", "quota-role");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:1;mem:1024");

    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:1024"))
        .containsExactly("framework1 <- agent2 cpus:1;mem:1024");
    assertThat(s.addAgentAndAllocate("agent3", "cpus:1;mem:1024")).isEmpty();
  }

  /**
   * Mesos' QuotaHeadroomWhenReservationsExceedQuota: a role whose reservations exceed its quota needs
   * no headroom; the other quota role's guarantee holds one agent back, the next one is offered.
   */
  @Test
  void noHeadroomForARoleWhoseReservationsExceedItsQuota() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role-w-reservation", s.quota("cpus:1;mem:1024"));
    s.allocator.setQuota("quota-role-no-reservation", s.quota("cpus:1;mem:1024"));
    s.addAgent("agent1", "cpus(quota-role-w-reservation):2;mem(quota-role-w-reservation):2048");
    s.addAgent("agent2", "cpus:1;mem:1024");
    s.addFramework("framework", "non-quota-role");
    assertThat(s.allocate()).isEmpty();

    assertThat(s.addAgentAndAllocate("agent3", "cpus:1;mem:1024"))
        .containsExactly("framework <- agent3 cpus:1;mem:1024");
  }

  /**
   * Mesos' QuotaWithAncestorReservations (MESOS-8604): a's reservation allocated to a/b is neither
   * free capacity nor headroom; of two new agents one is held for the quota, the other offered.
   */
  @Test
  void ancestorReservationAllocatedToAChildIsNotHeadroom() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role", s.quota("cpus:1;mem:1024"));
    s.addAgent("agent1", "cpus(a):1;mem(a):1024");
    s.addFramework("framework1", "a/b");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:1;mem:1024");

    s.addFramework("framework2", "no-quota-role");
    assertThat(s.allocate()).isEmpty();

    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:1024")).isEmpty();
    assertThat(s.addAgentAndAllocate("agent3", "cpus:1;mem:1024"))
        .containsExactly("framework2 <- agent3 cpus:1;mem:1024");
  }

  /**
   * Mesos' QuotaWithNestedRoleReservation (MESOS-9688): a/b's reservation counts towards a's quota,
   * so a gets only the rest of its guarantee out of a big agent.
   */
  @Test
  void childReservationCountsTowardsParentQuota() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("a", s.quota("cpus:2;mem:200"));
    s.addAgent("agent1", "cpus(a/b):1;mem(a/b):100");
    s.addAgent("agent2", "cpus:10;mem:1000");
    s.addFramework("framework1", "a");
    assertThat(s.allocate()).containsExactly("framework1 <- agent2 cpus:1;mem:100");
  }

  /**
   * After Mesos' QuotaWithNestedRoleAllocation. Deliberately not Mesos: there a/b may grow past the
   * quota limit of a (limits were not hierarchical yet; the test's TODO says no allocation should be
   * made once they are). Ours are: a's limit binds everything under a, so with a/b holding all of a's
   * quota, neither a nor a/b is offered the new agent.
   */
  @Test
  void parentQuotaLimitBindsChildRoles() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "a/b");
    assertThat(s.addAgentAndAllocate("agent1", "cpus:1;mem:1024"))
        .containsExactly("framework1 <- agent1 cpus:1;mem:1024");
    s.allocator.setQuota("a", s.quota("cpus:1;mem:1024"));

    s.addFramework("framework2", "a");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:1024")).isEmpty();

    s.addFramework("framework3", "elsewhere");
    assertThat(s.allocate()).containsExactly("framework3 <- agent2 cpus:1;mem:1024");
  }

  /**
   * Mesos' QuotaHeadroomWithNestedRoleAllocation: a and a/b hold an agent each; a quota role without
   * frameworks has the next agent held for it, and of two new agents only one is offered.
   */
  @Test
  void headroomWithNestedRoleAllocations() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "a/b");
    assertThat(s.addAgentAndAllocate("agent1", "cpus:1;mem:100"))
        .containsExactly("framework1 <- agent1 cpus:1;mem:100");
    s.addFramework("framework2", "a");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:100"))
        .containsExactly("framework2 <- agent2 cpus:1;mem:100");

    s.allocator.setQuota("quota-role", s.quota("cpus:1;mem:100"));
    assertThat(s.addAgentAndAllocate("agent3", "cpus:1;mem:100")).isEmpty();
    // a's own framework and a/b tie (share, allocation count); a's own allocation sorts first.
    assertThat(s.addAgentAndAllocate("agent4", "cpus:1;mem:100"))
        .containsExactly("framework2 <- agent4 cpus:1;mem:100");
    s.tick();
    assertThat(s.allocate()).isEmpty();
  }
}
