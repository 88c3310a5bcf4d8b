package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Offer filters, suppress and revive: Mesos' OfferFilter, SmallOfferFilterTimeout,
 * SuppressAndReviveOffers, ReviveOffers and SuppressAndReviveOffersWithMultiRole.
 *
 * <p>Our filters are per framework and agent (Mesos filters a resource set on an agent): a framework
 * that declines an agent is not offered anything there until the filter ends. A filter lasts
 * max(refuse, allocation interval).
 */
class OfferFilterScenarioTest {

  /** Mesos' OfferFilter: a filter of two intervals holds at the next cycle and ends at the second. */
  @Test
  void offerFilterExpiresAfterTwoIntervals() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role");
    assertThat(s.addAgentAndAllocate("agent1", "cpus:1;mem:512"))
        .containsExactly("framework1 <- agent1 cpus:1;mem:512");

    s.decline("framework1", "agent1", s.interval.multipliedBy(2));
    s.tick();
    assertThat(s.allocate()).isEmpty();

    s.tick();
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:1;mem:512");
  }

  /**
   * Mesos' SmallOfferFilterTimeout (MESOS-4302): a filter shorter than the allocation interval still
   * holds at the next periodic cycle, so the declined agent goes to the other framework of the role
   * even though its share is larger; after that cycle the filter is gone.
   */
  @Test
  void shortFilterHoldsUntilTheNextPeriodicCycle() {
    Scenario s = new Scenario(ResourceSchema.of("cpus", "mem"), Duration.ofMinutes(1));
    s.addFramework("framework1", "role");
    s.addFramework("framework2", "role");
    s.addAgent("agent1", "cpus:1;mem:512");
    s.running("task1", "framework1", "agent1", "cpus:1;mem:512");
    assertThat(s.allocate()).isEmpty();

    // framework1 0.5, framework2 0: framework2 gets agent2.
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:512"))
        .containsExactly("framework2 <- agent2 cpus:1;mem:512");

    s.decline("framework2", "agent2", Duration.ofSeconds(1));
    s.advance(Duration.ofSeconds(1));
    s.advance(Duration.ofSeconds(59));
    // The periodic cycle one interval later: the 1 s filter still holds.
    assertThat(s.allocate()).containsExactly("framework1 <- agent2 cpus:1;mem:512");

    s.decline("framework1", "agent2", Duration.ZERO);
    s.tick();
    assertThat(s.allocate()).containsExactly("framework2 <- agent2 cpus:1;mem:512");
  }

  /** Our semantics: the unused part of an accepted offer is filtered like a declined offer. */
  @Test
  void unusedPartOfAnAcceptedOfferIsFiltered() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role");
    assertThat(s.addAgentAndAllocate("agent1", "cpus:2;mem:1024"))
        .containsExactly("framework1 <- agent1 cpus:2;mem:1024");

    assertThat(Scenario.showPlacements(s.accept("framework1", "agent1", s.launch("task1", "cpus:1;mem:256", 0))))
        .containsExactly("task1 of framework1 @ agent1 cpus:1;mem:256");
    s.advance(Duration.ofSeconds(4));
    assertThat(s.allocate()).isEmpty();

    s.advance(Duration.ofSeconds(1));
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:1;mem:768");
  }

  /**
   * An accept naming an instance that is already placed, or the same instance twice, is refused
   * as a whole: nothing is placed, and the offer is still outstanding to be answered again.
   */
  @Test
  void acceptOfAnInstanceAlreadyPlacedChangesNothing() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role");
    s.addAgent("agent1", "cpus:4;mem:1024");
    s.running("task1", "framework1", "agent1", "cpus:1;mem:256");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:3;mem:768");

    assertThatThrownBy(() -> s.accept("framework1", "agent1",
            s.launch("task2", "cpus:1;mem:256", 0), s.launch("task1", "cpus:1;mem:256", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instance task1 is already placed");
    assertThatThrownBy(() -> s.accept("framework1", "agent1",
            s.launch("task3", "cpus:1;mem:256", 0), s.launch("task3", "cpus:1;mem:256", 0)))
        .hasMessage("instance task3 is already placed");
    assertThat(Scenario.showPlacements(s.allocator.placements()))
        .containsExactly("task1 of framework1 @ agent1 cpus:1;mem:256");

    assertThat(Scenario.showPlacements(s.accept("framework1", "agent1", s.launch("task2", "cpus:3;mem:768", 0))))
        .containsExactly("task2 of framework1 @ agent1 cpus:3;mem:768");
    assertThat(s.allocator.usage("agent1").free()).isEqualTo(s.res("cpus:0;mem:0"));
  }

  /** The sizing hint rebuilds the index of placements: none is lost, the order stays oldest first. */
  @Test
  void expectingPlacementsKeepsThoseMadeAndTheirOrder() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role");
    s.addAgent("agent1", "cpus:8;mem:2048");
    s.running("task1", "framework1", "agent1", "cpus:1;mem:256");
    s.running("task2", "framework1", "agent1", "cpus:1;mem:256");
    s.allocate();

    s.allocator.expectPlacements(10_000);
    assertThatThrownBy(() -> s.accept("framework1", "agent1",
            s.launch("task3", "cpus:2;mem:512", 0), s.launch("task1", "cpus:1;mem:256", 0)))
        .hasMessage("instance task1 is already placed");
    s.accept("framework1", "agent1", s.launch("task3", "cpus:2;mem:512", 0));
    s.allocator.expectPlacements(1); // fewer than placed: ignored

    assertThat(Scenario.showPlacements(s.allocator.placements())).containsExactly(
        "task1 of framework1 @ agent1 cpus:1;mem:256",
        "task2 of framework1 @ agent1 cpus:1;mem:256",
        "task3 of framework1 @ agent1 cpus:2;mem:512");
    s.allocator.recover("task2");
    assertThat(s.allocator.usage("agent1").free()).isEqualTo(s.res("cpus:5;mem:1280"));
  }

  /** Mesos' SuppressAndReviveOffers. */
  @Test
  void suppressThenRevive() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:2;mem:1024");
    s.addFramework("framework1", "role1");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:1024");

    // A redundant revive is tolerated; nothing is free to offer.
    assertThat(s.allocator.revive("framework1").offers()).isEmpty();

    s.decline("framework1", "agent1", Duration.ZERO);
    s.allocator.suppress("framework1");
    s.tick();
    assertThat(s.allocate()).isEmpty();

    assertThat(Scenario.show(s.allocator.revive("framework1").offers()))
        .containsExactly("framework1 <- agent1 cpus:2;mem:1024");
  }

  /** Mesos' ReviveOffers: revive clears the framework's filters. */
  @Test
  void reviveClearsFilters() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:2;mem:1024");
    s.addFramework("framework1", "role1");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:1024");

    s.decline("framework1", "agent1", Duration.ofSeconds(1000));
    s.tick();
    assertThat(s.allocate()).isEmpty();

    assertThat(Scenario.show(s.allocator.revive("framework1").offers()))
        .containsExactly("framework1 <- agent1 cpus:2;mem:1024");
  }

  /**
   * Mesos' SuppressAndReviveOffersWithMultiRole. Our frameworks have one role each, so the
   * scheduler that Mesos registers in role1 and role2 is two frameworks here, one per role:
   * suppressing and reviving one role leaves the other's filters alone.
   */
  @Test
  void suppressAndReviveOneRoleOfAMultiRoleScheduler() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("scheduler-role1", "role1");
    s.addFramework("scheduler-role2", "role2");
    s.allocator.suppress("scheduler-role1");

    assertThat(s.addAgentAndAllocate("agent1", "cpus:2;mem:1024"))
        .containsExactly("scheduler-role2 <- agent1 cpus:2;mem:1024");
    s.decline("scheduler-role2", "agent1", Duration.ofDays(1));
    s.tick();
    assertThat(s.allocate()).isEmpty();

    assertThat(Scenario.show(s.allocator.revive("scheduler-role1").offers()))
        .containsExactly("scheduler-role1 <- agent1 cpus:2;mem:1024");

    s.decline("scheduler-role1", "agent1", Duration.ofDays(1));
    s.tick();
    // Both roles have filters now: nothing is offered.
    assertThat(s.allocate()).isEmpty();
  }
}
