package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Dominant Resource Fairness across roles, inside roles, in a role tree and with weights: Mesos'
 * {@code HierarchicalAllocatorTest} DRF scenarios with their numbers. Mesos runs an event-driven
 * cycle when an agent or a framework is added; here the test runs it ({@code allocate(agent)} or a
 * full {@code allocate()}).
 *
 * <p>Framework shares are fractions of the cluster totals, as in Mesos today (some comments in the
 * original still give them as fractions of the role's allocation, from an older sorter).
 */
class DrfScenarioTest {
  private static final double EPS = 1e-9;

  /** Mesos' UnreservedDRF: each new agent goes whole to the framework with the lowest share. */
  @Test
  void unreservedDrf() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:2;mem:1024");
    s.addFramework("framework1", "role1");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:1024");

    s.addFramework("framework2", "role2");
    // cpus=3, mem=1536: role1 0.67, role2 0.
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:512"))
        .containsExactly("framework2 <- agent2 cpus:1;mem:512");
    assertThat(s.allocator.share("role1")).isCloseTo(2.0 / 3, within(EPS));
    assertThat(s.allocator.share("role2")).isCloseTo(1.0 / 3, within(EPS));

    // cpus=6, mem=3584: role1 0.33, role2 0.16.
    assertThat(s.addAgentAndAllocate("agent3", "cpus:3;mem:2048"))
        .containsExactly("framework2 <- agent3 cpus:3;mem:2048");
    assertThat(s.allocator.share("role2")).isCloseTo(2560.0 / 3584, within(EPS));

    s.addFramework("framework3", "role1");
    // cpus=10, mem=7680: role1 0.2, role2 0.4; inside role1 framework3 (0) before framework1.
    assertThat(s.addAgentAndAllocate("agent4", "cpus:4;mem:4096"))
        .containsExactly("framework3 <- agent4 cpus:4;mem:4096");
    assertThat(s.allocator.share("role1")).isCloseTo(5120.0 / 7680, within(EPS));
    assertThat(s.allocator.share("framework1")).isCloseTo(0.2, within(EPS));
    assertThat(s.allocator.share("framework3")).isCloseTo(4096.0 / 7680, within(EPS));

    s.addFramework("framework4", "role1");
    // cpus=11, mem=8192: role1 0.63, role2 0.36. framework4 has nothing, but its role is ahead.
    assertThat(s.addAgentAndAllocate("agent5", "cpus:1;mem:512"))
        .containsExactly("framework2 <- agent5 cpus:1;mem:512");
    assertThat(s.allocator.share("role1")).isCloseTo(5120.0 / 8192, within(EPS));
    assertThat(s.allocator.share("role2")).isCloseTo(5.0 / 11, within(EPS));
    assertThat(s.allocator.share("framework4")).isZero();
  }

  /**
   * Mesos' DRFWithFairnessExclusion: the same steps with a GPU on agent1 that does not count in
   * shares. Were it counted, role1 would hold all GPUs (share 1) and lose agent4 to role2.
   */
  @Test
  void drfWithFairnessExcludedGpu() {
    Scenario s = new Scenario(
        ResourceSchema.of("cpus", "mem", "gpus").withFairnessExcluded(Set.of("gpus")), Scenario.MESOS_INTERVAL);
    s.addAgent("agent1", "cpus:2;mem:1024;gpus:1");
    s.addFramework("framework1", "role1");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:1024;gpus:1");
    assertThat(s.allocator.share("role1")).isCloseTo(1.0, within(EPS));

    s.addFramework("framework2", "role2");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:512"))
        .containsExactly("framework2 <- agent2 cpus:1;mem:512");
    assertThat(s.addAgentAndAllocate("agent3", "cpus:3;mem:2048"))
        .containsExactly("framework2 <- agent3 cpus:3;mem:2048");
    // role1 holds the only GPU, yet its share is 0.33 (cpus=2 of 6), not 1.
    assertThat(s.allocator.share("role1")).isCloseTo(1.0 / 3, within(EPS));

    s.addFramework("framework3", "role1");
    // cpus=10, mem=7680, (ignored) gpus=1: role1 0.2, role2 0.4.
    assertThat(s.addAgentAndAllocate("agent4", "cpus:4;mem:4096"))
        .containsExactly("framework3 <- agent4 cpus:4;mem:4096");

    s.addFramework("framework4", "role1");
    // cpus=11, mem=8192: role1 0.63, role2 0.36.
    assertThat(s.addAgentAndAllocate("agent5", "cpus:1;mem:512"))
        .containsExactly("framework2 <- agent5 cpus:1;mem:512");
  }

  /**
   * Mesos' ReservedDRF: reserved resources count in shares (role1's 100 reserved cpus make it the
   * richest role), and a role's reservation is shared fairly between its frameworks.
   */
  @Test
  void reservedDrf() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:1;mem:512;cpus(role1):100;mem(role1):1024");
    s.addFramework("framework1", "role1");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:101;mem:1536");

    s.addFramework("framework2", "role2");
    assertThat(s.addAgentAndAllocate("agent2", "cpus:2;mem:512"))
        .containsExactly("framework2 <- agent2 cpus:2;mem:512");

    // role1 holds 101 of 105 cpus; framework2 gets the next agent too.
    assertThat(s.addAgentAndAllocate("agent3", "cpus:2;mem:512"))
        .containsExactly("framework2 <- agent3 cpus:2;mem:512");
    assertThat(s.allocator.share("role1")).isCloseTo(101.0 / 105, within(EPS));

    s.addFramework("framework3", "role1");
    assertThat(s.addAgentAndAllocate("agent4", "cpus(role1):2;mem(role1):1024"))
        .containsExactly("framework3 <- agent4 cpus:2;mem:1024");
  }

  /** Mesos' NestedRoleDRF: a subtree is served according to everything allocated under it. */
  @Test
  void nestedRoleDrf() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:2;mem:1024");
    s.addFramework("framework1", "a/b");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:2;mem:1024");

    s.addFramework("framework2", "a/c");
    s.addFramework("framework3", "d/e");
    // a/c has nothing, but subtree a holds everything: d/e comes first.
    assertThat(s.addAgentAndAllocate("agent2", "cpus:1;mem:512"))
        .containsExactly("framework3 <- agent2 cpus:1;mem:512");
    assertThat(s.allocator.share("a")).isCloseTo(2.0 / 3, within(EPS));
    assertThat(s.allocator.share("a/c")).isZero();
    assertThat(s.allocator.share("d")).isCloseTo(1.0 / 3, within(EPS));

    s.addFramework("framework4", "d/f");
    assertThat(s.addAgentAndAllocate("agent3", "cpus:2;mem:1024"))
        .containsExactly("framework4 <- agent3 cpus:2;mem:1024");
    // cpus=5, mem=2560.
    assertThat(s.allocator.share("a")).isCloseTo(0.4, within(EPS));
    assertThat(s.allocator.share("a/b")).isCloseTo(0.4, within(EPS));
    assertThat(s.allocator.share("d")).isCloseTo(0.6, within(EPS));
    assertThat(s.allocator.share("d/e")).isCloseTo(0.2, within(EPS));
    assertThat(s.allocator.share("d/f")).isCloseTo(0.4, within(EPS));
  }

  /** Mesos' CoarseGrained: in one cycle each framework gets a whole agent, not half of each. */
  @Test
  void coarseGrained() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:2;mem:1024");
    s.addAgent("agent2", "cpus:2;mem:1024");
    s.addFramework("framework1", "role1");
    assertThat(s.allocate())
        .containsExactlyInAnyOrder("framework1 <- agent1 cpus:2;mem:1024", "framework1 <- agent2 cpus:2;mem:1024");
    s.declineAll(Duration.ZERO);

    s.addFramework("framework2", "role2");
    List<String> offers = s.allocate();
    assertThat(offers).hasSize(2);
    assertThat(offers).filteredOn(o -> o.startsWith("framework1 ")).singleElement()
        .satisfies(o -> assertThat(o).endsWith(" cpus:2;mem:1024"));
    assertThat(offers).filteredOn(o -> o.startsWith("framework2 ")).singleElement()
        .satisfies(o -> assertThat(o).endsWith(" cpus:2;mem:1024"));
  }

  /**
   * Mesos' SameShareFairness: two frameworks of equal share take turns, 5 offers each over 10
   * cycles, because ties go to the one that was offered less often, not to the first name.
   */
  @Test
  void sameShareFairness() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "role");
    s.addFramework("framework2", "role");
    s.addAgent("agent1", "cpus:2;mem:1024");

    Map<String, Integer> counts = new HashMap<>();
    String previous = null;
    for (int i = 0; i < 10; i++) {
      List<Offer> offers = s.allocator.allocate().offers();
      assertThat(offers).singleElement().satisfies(o -> {
        assertThat(o.agentId()).isEqualTo("agent1");
        assertThat(o.resources()).isEqualTo(s.res("cpus:2;mem:1024"));
      });
      String fw = offers.get(0).frameworkId();
      assertThat(fw).as("cycle %d goes to the other framework", i).isNotEqualTo(previous);
      previous = fw;
      counts.merge(fw, 1, Integer::sum);
      s.allocator.decline(offers.get(0).id(), Duration.ZERO);
      s.tick();
    }
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("framework1", 5, "framework2", 5));
  }

  /**
   * Mesos' UpdateWeight: six equal agents split 3/3 at weights 1:1, 2/4 at 1:2, and 1/2/3 across
   * three roles at 1:2:3. Each step returns everything (decline without filter) and runs one cycle.
   */
  @Test
  void weightsSplitSixEqualAgents() {
    Scenario s = Scenario.of("cpus", "mem");
    for (int i = 1; i <= 6; i++) {
      s.addAgent("agent" + i, "cpus:2;mem:1024");
    }
    s.addFramework("framework1", "role1");
    assertThat(s.allocate()).hasSize(6).allMatch(o -> o.startsWith("framework1 "));
    s.declineAll(Duration.ZERO);
    s.addFramework("framework2", "role2");

    s.tick();
    assertThat(agentsPerFramework(s.allocator.allocate().offers()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("framework1", 3, "framework2", 3));
    assertThat(s.allocator.share("role1")).isCloseTo(0.5, within(EPS));
    assertThat(s.allocator.weightedShare("role2")).isCloseTo(0.5, within(EPS));
    s.declineAll(Duration.ZERO);

    s.allocator.setWeight("role2", 2);
    s.tick();
    assertThat(agentsPerFramework(s.allocator.allocate().offers()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("framework1", 2, "framework2", 4));
    assertThat(s.allocator.share("role2")).isCloseTo(2.0 / 3, within(EPS));
    assertThat(s.allocator.weightedShare("role2")).isCloseTo(1.0 / 3, within(EPS));
    s.declineAll(Duration.ZERO);

    s.allocator.setWeight("role3", 3);
    s.addFramework("framework3", "role3");
    List<Offer> offers = s.allocator.allocate().offers();
    assertThat(agentsPerFramework(offers))
        .containsExactlyInAnyOrderEntriesOf(Map.of("framework1", 1, "framework2", 2, "framework3", 3));
    assertThat(offers).allMatch(o -> o.resources().equals(s.res("cpus:2;mem:1024")));
    assertThat(s.allocator.weightedShare("role1")).isCloseTo(1.0 / 6, within(EPS));
    assertThat(s.allocator.weightedShare("role2")).isCloseTo(1.0 / 6, within(EPS));
    assertThat(s.allocator.weightedShare("role3")).isCloseTo(1.0 / 6, within(EPS));
  }

  private static Map<String, Integer> agentsPerFramework(List<Offer> offers) {
    Map<String, Integer> counts = new HashMap<>();
    for (Offer o : offers) {
      counts.merge(o.frameworkId(), 1, Integer::sum);
    }
    assertThat(offers).extracting(Offer::agentId).doesNotHaveDuplicates();
    return counts;
  }
}
