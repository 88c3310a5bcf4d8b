package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offer timeout (Mesos' {@code --offer_timeout}): an offer its framework neither accepts nor
 * declines within the framework's timeout (the allocator's default, 60 s, unless the framework sets
 * its own) is rescinded at the start of the next cycle, without a filter, and its capacity is offered
 * again in that same cycle, in DRF order.
 */
class OfferTimeoutScenarioTest {

  private static List<String> rescinded(CycleResult r) {
    return Scenario.show(r.rescinded());
  }

  private static List<String> offers(CycleResult r) {
    return Scenario.show(r.offers());
  }

  /**
   * framework1 is offered the whole agent and never answers. Every cycle before its offer is 60 s old
   * takes nothing back; the cycle at 60 s rescinds it and offers the agent to framework2: both hold
   * nothing then, and framework2, offered less often, comes first in DRF order.
   */
  @Test
  void anUnansweredOfferIsRescindedAfterTheDefaultTimeoutAndOfferedToTheNextInDrfOrder() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role1");
    assertThat(s.addAgentAndAllocate("agent1", "cpus:1;mem:512"))
        .containsExactly("framework1 <- agent1 cpus:1;mem:512");
    s.addFramework("framework2", "role2");

    for (int second = 1; second < 60; second++) {
      s.tick();
      CycleResult r = s.allocator.allocate();
      assertThat(rescinded(r)).as("rescinded at %d s", second).isEmpty();
      assertThat(offers(r)).as("offers at %d s", second).isEmpty();
    }

    s.tick();
    CycleResult r = s.allocator.allocate();
    assertThat(rescinded(r)).containsExactly("framework1 <- agent1 cpus:1;mem:512");
    assertThat(offers(r)).containsExactly("framework2 <- agent1 cpus:1;mem:512");
    assertThat(Scenario.show(s.allocator.outstandingOffers())).containsExactly("framework2 <- agent1 cpus:1;mem:512");
  }

  /** A rescinded offer sets no filter: a framework alone is offered the same capacity again at once. */
  @Test
  void aTimedOutOfferLeavesNoFilter() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role1");
    s.addAgentAndAllocate("agent1", "cpus:1;mem:512");

    s.advance(Duration.ofSeconds(60));
    CycleResult r = s.allocator.allocate();
    assertThat(rescinded(r)).containsExactly("framework1 <- agent1 cpus:1;mem:512");
    assertThat(offers(r)).containsExactly("framework1 <- agent1 cpus:1;mem:512");
  }

  /** An accepted offer is gone: its placements stay, however long, and nothing is rescinded. */
  @Test
  void anOfferAcceptedWithinTheTimeoutIsUntouched() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role1");
    s.addAgentAndAllocate("agent1", "cpus:1;mem:512");

    s.advance(Duration.ofSeconds(30));
    s.accept("framework1", "agent1", s.launch("task1", "cpus:1;mem:512", 0));

    s.advance(Duration.ofSeconds(120));
    CycleResult r = s.allocator.allocate();
    assertThat(rescinded(r)).isEmpty();
    assertThat(Scenario.showPlacements(s.allocator.placements()))
        .containsExactly("task1 of framework1 @ agent1 cpus:1;mem:512");
  }

  /**
   * A declined offer is gone too, and the offer made again once the filter ends is timed from when it
   * was made: declined at 30 s (5 s filter), offered again at 36 s, it is not rescinded at 60 s but at
   * 96 s.
   */
  @Test
  void anOfferDeclinedWithinTheTimeoutIsUntouchedAndItsSuccessorIsTimedFromItsOwnStart() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role1");
    s.addAgentAndAllocate("agent1", "cpus:1;mem:512");

    s.advance(Duration.ofSeconds(30));
    s.decline("framework1", "agent1", Duration.ofSeconds(5));
    s.advance(Duration.ofSeconds(6));
    assertThat(offers(s.allocator.allocate())).containsExactly("framework1 <- agent1 cpus:1;mem:512");

    s.advance(Duration.ofSeconds(24)); // 60 s
    assertThat(rescinded(s.allocator.allocate())).isEmpty();
    s.advance(Duration.ofSeconds(35)); // 95 s
    assertThat(rescinded(s.allocator.allocate())).isEmpty();
    s.advance(Duration.ofSeconds(1)); // 96 s
    assertThat(rescinded(s.allocator.allocate())).containsExactly("framework1 <- agent1 cpus:1;mem:512");
  }

  /** A framework's own timeout overrides the default, shorter or longer, for its offers only. */
  @Test
  void theFrameworksOwnTimeoutOverridesTheDefault() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.addFramework(new FrameworkInfo("quick", "role1", false, null, null, Duration.ofSeconds(10)));
    s.allocator.addFramework(new FrameworkInfo("patient", "role2", false, null, null, Duration.ofMinutes(5)));
    s.addFramework("usual", "role3");
    s.addAgent("agent1", "cpus:1;mem:512");
    s.addAgent("agent2", "cpus:1;mem:512");
    s.addAgent("agent3", "cpus:1;mem:512");
    // Three frameworks with nothing, three agents: one each.
    assertThat(s.allocate()).hasSize(3);
    List<String> initial = Scenario.show(s.allocator.outstandingOffers());
    String quick = initial.stream().filter(o -> o.startsWith("quick ")).findFirst().orElseThrow();
    String patient = initial.stream().filter(o -> o.startsWith("patient ")).findFirst().orElseThrow();
    String usual = initial.stream().filter(o -> o.startsWith("usual ")).findFirst().orElseThrow();

    s.advance(Duration.ofSeconds(9));
    assertThat(rescinded(s.allocator.allocate())).isEmpty();
    s.advance(Duration.ofSeconds(1)); // 10 s
    CycleResult r = s.allocator.allocate();
    assertThat(rescinded(r)).containsExactly(quick);
    // The other two hold two agents: the one freed goes back to quick, the only framework without one.
    assertThat(offers(r)).containsExactly(quick);

    // 60 s: usual's offer, and quick's second one (50 s old, beyond quick's 10 s), not patient's.
    s.advance(Duration.ofSeconds(50));
    assertThat(rescinded(s.allocator.allocate())).containsExactlyInAnyOrder(usual, quick);
    s.advance(Duration.ofSeconds(239)); // 299 s
    assertThat(rescinded(s.allocator.allocate())).doesNotContain(patient);
    s.advance(Duration.ofSeconds(1)); // 300 s
    assertThat(rescinded(s.allocator.allocate())).contains(patient);
  }

  /** The allocator's default is a setting; a framework without its own timeout follows it. */
  @Test
  void theAllocatorsDefaultIsASetting() {
    TestClock clock = new TestClock();
    HierarchicalAllocator allocator = new HierarchicalAllocator(
        ResourceSchema.of("cpus"), new AllocatorConfig(clock, Duration.ofSeconds(1), 7, Duration.ofSeconds(20)));
    allocator.addFramework(FrameworkInfo.of("framework1", "role1"));
    allocator.addAgent(new AgentInfo("agent1", Scenario.POOL, java.util.Map.of(), Resources.of(ResourceSchema.of("cpus"), "cpus", 1000), java.util.Map.of()));
    assertThat(allocator.allocate().offers()).hasSize(1);

    clock.advance(Duration.ofSeconds(19));
    assertThat(allocator.allocate().rescinded()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(allocator.allocate().rescinded()).hasSize(1);
  }

  /** A timeout is always bounded: zero, negative or (for the allocator) missing is refused. */
  @Test
  void aTimeoutMustBePositive() {
    assertThatThrownBy(() -> new FrameworkInfo("f", "r", false, null, null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AllocatorConfig(new TestClock(), Duration.ofSeconds(1), 0, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AllocatorConfig(new TestClock(), Duration.ofSeconds(1), 0, null))
        .isInstanceOf(NullPointerException.class);
    assertThat(AllocatorConfig.defaults().offerTimeout()).isEqualTo(AllocatorConfig.DEFAULT_OFFER_TIMEOUT);
    assertThat(new AllocatorConfig(new TestClock(), Duration.ofSeconds(1), 0).offerTimeout()).isEqualTo(Duration.ofSeconds(60));
  }
}
