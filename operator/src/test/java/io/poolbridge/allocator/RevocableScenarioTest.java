package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Borrowed (revocable) capacity: our own feature, not Mesos' (Mesos' revocable resources come from
 * oversubscription estimates). Unused guaranteed capacity (the headroom held for an unmet guarantee,
 * and other roles' unused reservations) is offered as revocable, only to frameworks that accept it.
 * When the owner's demand returns, outstanding revocable offers are rescinded and revocable
 * placements are named for revocation, lowest priority first, then the fewest that cover the need.
 */
class RevocableScenarioTest {

  private static Scenario prodGuaranteeWithBorrower() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("prod", Quota.guarantee(s.res("cpus:4;mem:4096").asMap()));
    s.addFramework("web", "eng");
    s.addRevocableFramework("batch", "research");
    return s;
  }

  /**
   * Of a 6-cpu agent, the 2 cpus beyond prod's guarantee go by fair share (eng first by name); the
   * 4 held for prod are lent to the framework that accepts revocable capacity, never to the other.
   */
  @Test
  void onlyTheHeldHeadroomIsLentAndOnlyToRevocableFrameworks() {
    Scenario s = prodGuaranteeWithBorrower();
    assertThat(s.addAgentAndAllocate("agent1", "cpus:6;mem:6144")).containsExactly(
        "web <- agent1 cpus:2;mem:2048",
        "batch <- agent1 cpus:4;mem:4096 (revocable)");
    s.tick();
    assertThat(s.allocate()).isEmpty();
  }

  /**
   * Lending the headroom does not hold back more: the lent capacity can be taken back, so it still
   * backs the guarantee, and the next agent goes to fair share. When prod's demand comes, the lent
   * offer is rescinded and prod gets the agent in the same cycle.
   */
  @Test
  void lentHeadroomStillBacksTheGuarantee() {
    Scenario s = prodGuaranteeWithBorrower();
    assertThat(s.addAgentAndAllocate("agent1", "cpus:4;mem:4096"))
        .containsExactly("batch <- agent1 cpus:4;mem:4096 (revocable)");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:4;mem:4096"))
        .containsExactly("web <- agent2 cpus:4;mem:4096");

    s.addFramework("prod-web", "prod");
    s.allocator.updateDemand("prod-web", s.res("cpus:4;mem:4096"));
    CycleResult cycle = s.allocator.allocate();
    assertThat(Scenario.show(cycle.rescinded())).containsExactly("batch <- agent1 cpus:4;mem:4096 (revocable)");
    assertThat(Scenario.show(cycle.offers())).containsExactly("prod-web <- agent1 cpus:4;mem:4096");
    assertThat(cycle.revocations()).isEmpty();
  }

  /**
   * Lent capacity backs the guarantee only while its agent is in service: when the agent holding
   * the borrowed instance drains, the other agent is held for prod again (and lent in its turn)
   * instead of going back to fair share.
   */
  @Test
  void lentCapacityOnADrainingAgentNoLongerBacksTheGuarantee() {
    Scenario s = prodGuaranteeWithBorrower();
    assertThat(s.addAgentAndAllocate("agent1", "cpus:4;mem:4096"))
        .containsExactly("batch <- agent1 cpus:4;mem:4096 (revocable)");
    s.accept("batch", "agent1", s.launch("spark-1", "cpus:4;mem:4096", 0));
    assertThat(s.addAgentAndAllocate("agent2", "cpus:4;mem:4096"))
        .containsExactly("web <- agent2 cpus:4;mem:4096");

    s.allocator.setAgentState("agent1", AgentState.DRAINING);
    s.decline("web", "agent2", Duration.ZERO);
    s.tick();
    CycleResult cycle = s.allocator.allocate();
    assertThat(Scenario.show(cycle.offers())).containsExactly("batch <- agent2 cpus:4;mem:4096 (revocable)");
    assertThat(Scenario.showPlacements(cycle.toMove()))
        .containsExactly("spark-1 of batch @ agent1 cpus:4;mem:4096 (revocable)");
  }

  /**
   * Placements on lent capacity are taken back when the owner's demand returns: the lowest priority
   * first, and among those the fewest that cover the demand (one 1-cpu instance rather than two
   * halves); the high-priority instance that alone would do is spared while lower ones suffice.
   */
  @Test
  void reclaimNamesTheFewestLowestPriorityPlacements() {
    Scenario s = prodGuaranteeWithBorrower();
    assertThat(s.addAgentAndAllocate("agent1", "cpus:4;mem:4096"))
        .containsExactly("batch <- agent1 cpus:4;mem:4096 (revocable)");
    assertThat(Scenario.showPlacements(s.accept("batch", "agent1",
            s.launch("spark-1", "cpus:0.5;mem:512", 0),
            s.launch("spark-2", "cpus:0.5;mem:512", 0),
            s.launch("spark-3", "cpus:1;mem:1024", 0),
            s.launch("spark-4", "cpus:2;mem:2048", 5))))
        .containsExactly(
            "spark-1 of batch @ agent1 cpus:0.5;mem:512 (revocable)",
            "spark-2 of batch @ agent1 cpus:0.5;mem:512 (revocable)",
            "spark-3 of batch @ agent1 cpus:1;mem:1024 (revocable)",
            "spark-4 of batch @ agent1 cpus:2;mem:2048 (revocable)");

    s.addFramework("prod-web", "prod");
    // No demand yet: nothing is taken back.
    CycleResult cycle = s.allocator.allocate();
    assertThat(cycle.revocations()).isEmpty();
    assertThat(cycle.offers()).isEmpty();

    s.allocator.updateDemand("prod-web", s.res("cpus:1;mem:1024"));
    cycle = s.allocator.allocate();
    assertThat(cycle.revocations()).extracting(r -> r.placement().instanceId(), Revocation::owner)
        .containsExactly(Tuple.tuple("spark-3", "prod"));
    assertThat(cycle.offers()).isEmpty();
    // Already being taken back: not named again.
    assertThat(s.allocator.allocate().revocations()).isEmpty();

    s.allocator.recover("spark-3");
    assertThat(s.allocate()).containsExactly("prod-web <- agent1 cpus:1;mem:1024");
    s.accept("prod-web", "agent1", s.launch("prod-1", "cpus:1;mem:1024", 0));

    s.allocator.updateDemand("prod-web", s.res("cpus:1;mem:1024"));
    assertThat(s.allocator.allocate().revocations()).extracting(r -> r.placement().instanceId())
        .containsExactly("spark-1", "spark-2");
  }

  /**
   * A reservation its role does not use is lent as revocable to the framework that accepts it;
   * when the owner's demand comes, the borrower's instance that covers it is named for revocation,
   * and once it is gone the owner gets its reservation back.
   */
  @Test
  void unusedReservationIsLentAndTakenBackForItsRole() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("web", "eng");
    s.addRevocableFramework("batch", "research");
    assertThat(s.addAgentAndAllocate("agent1", "cpus:1;mem:1024;cpus(db):3;mem(db):3072")).containsExactly(
        "web <- agent1 cpus:1;mem:1024",
        "batch <- agent1 cpus:3;mem:3072 (revocable)");
    s.accept("batch", "agent1", s.launch("etl-1", "cpus:1;mem:1024", 0), s.launch("etl-2", "cpus:2;mem:2048", 0));

    s.addFramework("postgres", "db");
    assertThat(s.allocate()).isEmpty();

    s.allocator.updateDemand("postgres", s.res("cpus:2;mem:2048"));
    CycleResult cycle = s.allocator.allocate();
    assertThat(cycle.revocations()).extracting(r -> r.placement().instanceId(), Revocation::owner)
        .containsExactly(Tuple.tuple("etl-2", "db"));

    s.allocator.recover("etl-2");
    assertThat(s.allocate()).containsExactly("postgres <- agent1 cpus:2;mem:2048");
  }

  /** An outstanding offer of a lent reservation is rescinded when the owner's demand comes. */
  @Test
  void lentReservationOfferIsRescindedForItsRole() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addRevocableFramework("batch", "research");
    assertThat(s.addAgentAndAllocate("agent1", "cpus(db):3;mem(db):3072"))
        .containsExactly("batch <- agent1 cpus:3;mem:3072 (revocable)");

    s.addFramework("postgres", "db");
    s.allocator.updateDemand("postgres", s.res("cpus:1;mem:1024"));
    CycleResult cycle = s.allocator.allocate();
    assertThat(Scenario.show(cycle.rescinded())).containsExactly("batch <- agent1 cpus:3;mem:3072 (revocable)");
    assertThat(Scenario.show(cycle.offers())).containsExactly("postgres <- agent1 cpus:3;mem:3072");
  }
}
