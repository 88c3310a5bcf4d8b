package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Quota guarantees and limits: Mesos' QuotaProvidesGuarantee, QuotaProvidesLimit, RemoveQuota,
 * MultipleFrameworksInRoleWithQuota, QuotaAllocationGranularity, DisproportionateQuotaVsAllocation,
 * QuotaRoleAllocateNonQuotaResource, DRFWithQuota, QuotaAgainstStarvation and
 * MultiQuotaWithFrameworks. As in Mesos' tests, {@code quota("...")} sets guarantee and limit to the
 * same amounts.
 */
class QuotaScenarioTest {

  /**
   * Mesos' QuotaProvidesGuarantee: a role under its guarantee gets every agent before a role
   * without quota, and what it declines is held for it rather than offered to the other role.
   */
  @Test
  void quotaGuaranteeIsServedBeforeFairShare() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "quota-role");
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:1024"));
    s.addFramework("framework2", "no-quota-role");
    assertThat(s.allocate()).isEmpty();

    assertThat(s.addAgentAndAllocate("agent1", "cpus:1;mem:512"))
        .containsExactly("framework1 <- agent1 cpus:1;mem:512");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:512"))
        .containsExactly("framework1 <- agent2 cpus:1;mem:512");
    assertThat(s.allocator.guaranteeMet("quota-role")).isTrue();

    s.decline("framework1", "agent2", s.interval.multipliedBy(2));
    assertThat(s.allocator.guaranteeMet("quota-role")).isFalse();
    s.tick();
    // Not for framework2: the agent is held for quota-role's guarantee.
    assertThat(s.allocate()).isEmpty();

    s.tick();
    assertThat(s.allocate()).containsExactly("framework1 <- agent2 cpus:1;mem:512");
  }

  /**
   * Mesos' QuotaProvidesLimit (there on role "*", MESOS-3938): a zero limit keeps a role out; a
   * raised limit lets it in up to the limit, and the rest of the agent is split off for the other
   * role. Ours: lowering the limit again rescinds the outstanding offer that exceeds it.
   */
  @Test
  void quotaLimitCapsTheRoleAndTheRemainderGoesToOthers() {
    Scenario s = Scenario.of("cpus", "mem", "disk");
    s.addFramework("framework1", "quota-role");
    s.allocator.setQuota("quota-role", Quota.limit(Map.of("cpus", 0L, "mem", 0L, "disk", 0L)));

    assertThat(s.addAgentAndAllocate("agent1", "cpus:2;mem:1024;disk:1024")).isEmpty();

    s.addFramework("framework2", "no-quota-role");
    assertThat(s.allocate()).containsExactly("framework2 <- agent1 cpus:2;mem:1024;disk:1024");

    s.allocator.setQuota("quota-role", Quota.limit(s.res("cpus:1;mem:512;disk:512").asMap()));
    assertThat(s.addAgentAndAllocate("agent2", "cpus:2;mem:1024;disk:1024")).containsExactly(
        "framework1 <- agent2 cpus:1;mem:512;disk:512",
        "framework2 <- agent2 cpus:1;mem:512;disk:512");

    assertThat(Scenario.show(s.allocator.setQuota("quota-role", Quota.limit(Map.of("cpus", 0L)))))
        .containsExactly("framework1 <- agent2 cpus:1;mem:512;disk:512");
    assertThat(s.allocator.outstandingOffers()).extracting(Offer::frameworkId).containsOnly("framework2");
  }

  /** Mesos' RemoveQuota: without its quota the role competes on fair share again. */
  @Test
  void removingQuotaRestoresFairSharing() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:1024"));
    s.addFramework("framework1", "quota-role");
    s.addFramework("framework2", "no-quota-role");
    s.addAgent("agent1", "cpus:1;mem:512");
    s.running("task1", "framework1", "agent1", "cpus:1;mem:512");
    s.addAgent("agent2", "cpus:1;mem:512");
    s.running("task2", "framework1", "agent2", "cpus:1;mem:512");

    s.allocator.setQuota("quota-role", Quota.NONE);
    assertThat(s.allocate()).isEmpty();

    s.allocator.recover("task1");
    s.tick();
    // With the guarantee still there, framework1 would get agent1 back first.
    assertThat(s.allocate()).containsExactly("framework2 <- agent1 cpus:1;mem:512");
    assertThat(s.allocator.share("quota-role")).isCloseTo(0.5, within(1e-9));
    assertThat(s.allocator.share("no-quota-role")).isCloseTo(0.5, within(1e-9));
  }

  /**
   * Mesos' MultipleFrameworksInRoleWithQuota: inside a role with quota, frameworks share by DRF, and
   * what one declines goes to the other.
   */
  @Test
  void frameworksShareTheirRolesQuotaByDrf() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1a", "quota-role");
    s.allocator.setQuota("quota-role", s.quota("cpus:4;mem:2048"));
    s.addFramework("framework2", "no-quota-role");

    assertThat(s.addAgentAndAllocate("agent1", "cpus:1;mem:512"))
        .containsExactly("framework1a <- agent1 cpus:1;mem:512");

    s.addFramework("framework1b", "quota-role");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:2;mem:1024"))
        .containsExactly("framework1b <- agent2 cpus:2;mem:1024");
    assertThat(s.addAgentAndAllocate("agent3", "cpus:1;mem:512"))
        .containsExactly("framework1a <- agent3 cpus:1;mem:512");

    s.decline("framework1a", "agent3", Duration.ofSeconds(5));
    s.tick();
    assertThat(s.allocate()).containsExactly("framework1b <- agent3 cpus:1;mem:512");
    assertThat(s.allocator.share("framework1a")).isCloseTo(0.25, within(1e-9));
    assertThat(s.allocator.share("framework1b")).isCloseTo(0.75, within(1e-9));
  }

  /**
   * Mesos' QuotaAllocationGranularity: a role gets exactly its quota out of a bigger agent, and the
   * rest of the agent goes to another role.
   */
  @Test
  void quotaIsAllocatedFineGrained() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "quota-role");
    s.allocator.setQuota("quota-role", s.quota("cpus:0.5;mem:200"));
    assertThat(s.addAgentAndAllocate("agent1", "cpus:1;mem:512"))
        .containsExactly("framework1 <- agent1 cpus:0.5;mem:200");

    s.addFramework("framework2", "no-quota-role");
    assertThat(s.allocate()).containsExactly("framework2 <- agent1 cpus:0.5;mem:312");
  }

  /**
   * Mesos' DisproportionateQuotaVsAllocation: once the memory quota is reached, the role gets only
   * the cpus it still lacks.
   */
  @Test
  void roleGetsOnlyTheResourcesItsQuotaStillLacks() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role", s.quota("cpus:4;mem:1024"));
    s.addFramework("framework", "quota-role");
    assertThat(s.addAgentAndAllocate("agent1", "cpus:2;mem:1024"))
        .containsExactly("framework <- agent1 cpus:2;mem:1024");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:2;mem:1024"))
        .containsExactly("framework <- agent2 cpus:2");
  }

  /**
   * Mesos' QuotaRoleAllocateNonQuotaResource (without ports): a role with a cpu-only quota also gets
   * memory, unless that memory is needed as headroom for another role's guarantee; once its cpus
   * are reached it gets only memory.
   */
  @Test
  void resourcesWithoutQuotaComeWithTheGuaranteeUnlessHeldForOthers() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role-1", s.quota("cpus:2"));
    s.addAgent("agent1", "cpus:1;mem:1024");
    s.addFramework("framework", "quota-role-1");
    assertThat(s.allocate()).containsExactly("framework <- agent1 cpus:1;mem:1024");

    s.allocator.setQuota("quota-role-2", s.quota("mem:1024"));
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:1024"))
        .containsExactly("framework <- agent2 cpus:1");

    assertThat(s.addAgentAndAllocate("agent3", "cpus:1;mem:1024"))
        .containsExactly("framework <- agent3 mem:1024");
  }

  /**
   * Mesos' DRFWithQuota: once every guarantee is met, the rest is shared by DRF, and a role at its
   * limit gets nothing more even with the smaller share.
   */
  @Test
  void remainderAfterQuotaIsSharedByDrf() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role", s.quota("cpus:0.25;mem:128"));
    s.addFramework("framework1", "quota-role");
    s.addFramework("framework2", "no-quota-role");
    s.addAgent("agent1", "cpus:1;mem:512");
    s.running("task1", "framework1", "agent1", "cpus:0.25;mem:128");

    assertThat(Scenario.show(s.allocator.allocate(List.of("agent1")).offers())).containsExactly("framework2 <- agent1 cpus:0.75;mem:384");

    // quota-role's share (0.125) is now the smaller, but its limit is reached.
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:512"))
        .containsExactly("framework2 <- agent2 cpus:1;mem:512");
    assertThat(s.allocator.share("quota-role")).isCloseTo(0.125, within(1e-9));
  }

  /**
   * Mesos' QuotaAgainstStarvation: a framework that keeps declining with no filter keeps getting the
   * agent back (its share is the lowest); a guarantee for the starving role ends that.
   */
  @Test
  void quotaEndsStarvationByADecliningFramework() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "quota-role");
    s.addFramework("framework2", "no-quota-role");
    s.addAgent("agent1", "cpus:1;mem:512");
    s.running("task1", "framework1", "agent1", "cpus:1;mem:512");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:512"))
        .containsExactly("framework2 <- agent2 cpus:1;mem:512");

    s.decline("framework2", "agent2", Duration.ZERO);
    s.tick();
    assertThat(s.allocate()).containsExactly("framework2 <- agent2 cpus:1;mem:512");

    s.decline("framework2", "agent2", Duration.ZERO);
    s.allocator.setQuota("quota-role", s.quota("cpus:2;mem:1024"));
    s.tick();
    assertThat(s.allocate()).containsExactly("framework1 <- agent2 cpus:1;mem:512");
    assertThat(s.allocator.guaranteeMet("quota-role")).isTrue();
  }

  /**
   * Mesos' MultiQuotaWithFrameworks: a role whose guarantee is met does not starve another quota
   * role that comes after it; the latter gets exactly what it lacks.
   */
  @Test
  void metGuaranteeDoesNotStarveAnotherQuotaRole() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("quota-role-1", s.quota("cpus:1;mem:200"));
    s.allocator.setQuota("quota-role-2", s.quota("cpus:2;mem:2000"));
    s.addFramework("framework1", "quota-role-1");
    s.addFramework("framework2", "quota-role-2");
    s.addAgent("agent1", "cpus:1;mem:1024");
    s.running("task1", "framework1", "agent1", "cpus:1;mem:1024");
    s.addAgent("agent2", "cpus:1;mem:1024");
    s.running("task2", "framework2", "agent2", "cpus:1;mem:1024");

    assertThat(s.addAgentAndAllocate("agent3", "cpus:2;mem:2048"))
        .containsExactly("framework2 <- agent3 cpus:1;mem:976");
    assertThat(s.allocator.guaranteeMet("quota-role-2")).isTrue();
  }
}
