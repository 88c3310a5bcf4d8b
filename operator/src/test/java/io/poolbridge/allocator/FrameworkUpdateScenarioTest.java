package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A framework whose offer settings change (Mesos' updateFramework: capabilities, filters) stays the
 * same framework: its placements, share and filters are kept.
 */
class FrameworkUpdateScenarioTest {

  @Test
  void turningRevocableOffRescindsItsRevocableOffersOnly() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus(owner):2;mem(owner):512");
    s.addFramework("owner-fw", "owner");
    s.allocator.suppress("owner-fw");
    s.addRevocableFramework("borrower", "other");
    assertThat(s.allocate()).containsExactly("borrower <- agent1 cpus:2;mem:512 (revocable)");
    s.accept("borrower", "agent1", s.launch("r-1", "cpus:1;mem:256", 0));
    s.advance(FrameworkInfo.DEFAULT_REFUSE);
    assertThat(s.allocate()).containsExactly("borrower <- agent1 cpus:1;mem:256 (revocable)");
    // The offer counts as allocated: 2 of 2 cpus.
    assertThat(s.allocator.share("borrower")).isCloseTo(1.0, within(1e-12));

    assertThat(Scenario.show(s.allocator.updateFramework(FrameworkInfo.of("borrower", "other"))))
        .containsExactly("borrower <- agent1 cpus:1;mem:256 (revocable)");
    assertThat(Scenario.showPlacements(s.allocator.placements()))
        .containsExactly("r-1 of borrower @ agent1 cpus:1;mem:256 (revocable)");
    // The placement still counts: 1 of 2 cpus, 256 of 512 MB.
    assertThat(s.allocator.share("borrower")).isCloseTo(0.5, within(1e-12));
    assertThat(s.allocate()).isEmpty();
  }

  @Test
  void minimumAndFiltersChangeInPlace() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:1;mem:512");
    s.addAgent("agent2", "cpus:1;mem:512");
    s.allocator.addFramework(new FrameworkInfo("framework1", "web", false, null, s.res("cpus:2")));
    assertThat(s.allocate()).isEmpty();

    s.allocator.updateFramework(FrameworkInfo.of("framework1", "web"));
    assertThat(s.allocate()).containsExactlyInAnyOrder(
        "framework1 <- agent1 cpus:1;mem:512", "framework1 <- agent2 cpus:1;mem:512");
    s.decline("framework1", "agent2", Duration.ofHours(1));
    s.accept("framework1", "agent1", s.launch("web-1", "cpus:1;mem:512", 0));

    // A refuse of zero from now on: the filter set before stays, the placement too.
    assertThat(s.allocator.updateFramework(new FrameworkInfo("framework1", "web", false, Duration.ZERO, null))).isEmpty();
    s.tick();
    assertThat(s.allocate()).isEmpty();
    assertThat(s.allocator.placements()).extracting(Placement::instanceId).containsExactly("web-1");
    assertThat(s.allocator.share("framework1")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void offerTimeoutChangesInPlace() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:1;mem:512");
    s.addFramework("framework1", "web");
    assertThat(s.allocate()).containsExactly("framework1 <- agent1 cpus:1;mem:512");
    s.allocator.updateFramework(new FrameworkInfo("framework1", "web", false, null, null, Duration.ofSeconds(10)));
    s.advance(Duration.ofSeconds(10));
    CycleResult cycle = s.allocator.allocate();
    assertThat(Scenario.show(cycle.rescinded())).containsExactly("framework1 <- agent1 cpus:1;mem:512");
  }

  @Test
  void anotherRoleOrAnUnknownFrameworkIsAnError() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("framework1", "web");
    assertThatThrownBy(() -> s.allocator.updateFramework(FrameworkInfo.of("framework1", "batch")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.allocator.updateFramework(FrameworkInfo.of("nope", "web")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
