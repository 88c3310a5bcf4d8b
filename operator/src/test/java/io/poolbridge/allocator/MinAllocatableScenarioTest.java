package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Minimum allocatable resources: Mesos' Allocatable, FrameworkMinAllocatable,
 * FrameworkEmptyMinAllocatable and FrameworkLoopMESOS_9554, with MIN_CPUS = 0.01 and MIN_MEM = 32 MB.
 *
 * <p>Ours is per framework and is one vector whose every named amount the offer must reach (Mesos'
 * minimum is a list of alternatives, {@code cpus:0.01|mem:32}, any one of which suffices, and has a
 * cluster-wide default). There is no cluster-wide default here: a framework without a minimum takes
 * any offer.
 */
class MinAllocatableScenarioTest {

  private static FrameworkInfo withMinimum(Scenario s, String id, String role, String minimum) {
    return new FrameworkInfo(id, role, false, null, s.res(minimum));
  }

  /**
   * Mesos' Allocatable: offers smaller than the minimum are not made, and the minimum is checked
   * against the whole offer, reserved and unreserved parts together.
   */
  @Test
  void offersBelowTheMinimumAreNotMade() {
    Scenario s = Scenario.of("cpus", "mem", "disk");
    s.allocator.addFramework(withMinimum(s, "framework", "role1", "cpus:0.01;mem:32"));

    assertThat(s.addAgentAndAllocate("agent1", "cpus:0.005;mem:16;disk:128")).isEmpty();
    // Enough cpus but not enough memory, then the other way round: both amounts are required.
    assertThat(s.addAgentAndAllocate("agent2", "cpus:0.01;mem:16;disk:128")).isEmpty();
    assertThat(s.addAgentAndAllocate("agent3", "cpus:0.005;mem:32;disk:128")).isEmpty();
    assertThat(s.addAgentAndAllocate("agent4", "cpus:0.01;mem:32;disk:128"))
        .containsExactly("framework <- agent4 cpus:0.01;mem:32;disk:128");
    // Neither the unreserved nor the reserved part reaches the minimum; together they do.
    assertThat(s.addAgentAndAllocate(
            "agent5", "cpus:0.015;mem:16;cpus(role1):0.015;mem(role1):16;disk:128"))
        .containsExactly("framework <- agent5 cpus:0.03;mem:32;disk:128");
  }

  /**
   * Mesos' FrameworkMinAllocatable, FrameworkEmptyMinAllocatable and MESOS-9554: a framework whose
   * minimum the agent cannot meet is skipped and the agent goes on to the next framework in order,
   * one with a lower minimum (0.01/3 cpus, rounded to 3 millicores) or with none.
   */
  @Test
  void frameworkMinimumSkipsOnlyThatFramework() {
    Scenario s = Scenario.of("cpus", "mem", "disk");
    s.allocator.addFramework(withMinimum(s, "framework1", "role1", "cpus:0.01"));
    s.allocator.addFramework(withMinimum(s, "framework2", "role2", "cpus:0.003"));

    // role1 comes first (equal shares, then name), but its framework's minimum is not met.
    assertThat(s.addAgentAndAllocate("agent1", "cpus:0.005;mem:16;disk:128"))
        .containsExactly("framework2 <- agent1 cpus:0.005;mem:16;disk:128");

    s.allocator.addFramework(FrameworkInfo.of("framework3", "role3"));
    assertThat(s.addAgentAndAllocate("agent2", "cpus:0.001;mem:1"))
        .containsExactly("framework3 <- agent2 cpus:0.001;mem:1");
  }
}
