package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Roles no one uses any more are dropped, so that frameworks coming and going over months leave no
 * trace in the role tree and the sorters (Mesos untracks a role once it has no frameworks, no
 * allocation, no reservation, quota or weight).
 */
class RoleDroppingTest {

  private static Scenario withOneFramework() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addAgent("agent1", "cpus:4;mem:1024");
    s.addAgent("agent2", "cpus:4;mem:1024");
    s.addFramework("keep", "team/keep");
    assertThat(s.allocate()).hasSize(2);
    s.accept("keep", "agent1", s.launch("keep-1", "cpus:1;mem:256", 0));
    return s;
  }

  @Test
  void thousandFrameworksComingAndGoingLeaveNoRoles() {
    Scenario s = withOneFramework();
    int roles = s.allocator.roleCount();
    double share = s.allocator.share("keep");
    List<String> offers = Scenario.show(s.allocator.outstandingOffers());

    for (int i = 0; i < 1000; i++) {
      s.addFramework("fw" + i, "tenant" + i + "/jobs");
    }
    for (int i = 0; i < 1000; i++) {
      s.allocator.removeFramework("fw" + i);
    }

    assertThat(s.allocator.roleCount()).isEqualTo(roles);
    assertThat(s.allocator.share("keep")).isEqualTo(share);
    assertThat(Scenario.show(s.allocator.outstandingOffers())).isEqualTo(offers);
    assertThatThrownBy(() -> s.allocator.share("tenant7")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRoleThatHeldPlacementsIsDroppedWithItsLastFramework() {
    Scenario s = withOneFramework();
    int roles = s.allocator.roleCount();
    s.declineAll(java.time.Duration.ZERO);
    s.addFramework("tmp", "team/tmp/x");
    s.tick();
    s.allocate();
    Offer tmp = s.allocator.outstandingOffers().stream().filter(o -> o.frameworkId().equals("tmp")).findFirst().orElseThrow();
    s.allocator.accept(tmp.id(), List.of(s.launch("tmp-1", "cpus:1;mem:256", 0)));
    assertThat(s.allocator.roleCount()).isEqualTo(roles + 2);

    s.allocator.removeFramework("tmp");
    assertThat(s.allocator.roleCount()).isEqualTo(roles);
    // The shared parent stays while keep uses it.
    assertThat(s.allocator.share("team")).isEqualTo(s.allocator.share("team/keep"));
  }

  @Test
  void rolesWithQuotaWeightOrReservationsStayUntilCleared() {
    Scenario s = withOneFramework();
    int roles = s.allocator.roleCount();
    s.allocator.setQuota("quota", Quota.guarantee(Map.of("cpus", 1000L)));
    s.allocator.setWeight("weighted/child", 2.0);
    s.addFramework("f", "weighted/child");
    s.allocator.removeFramework("f");
    assertThat(s.allocator.roleCount()).isEqualTo(roles + 3);

    assertThatThrownBy(() -> s.allocator.removeRole("team/keep")).isInstanceOf(IllegalArgumentException.class);
    s.allocator.removeRole("quota");
    s.allocator.removeRole("weighted/child");
    assertThat(s.allocator.roleCount()).isEqualTo(roles);
    // The weight was forgotten: a framework in that role again has weight 1.
    s.addFramework("g", "weighted/child");
    s.declineAll(java.time.Duration.ZERO);
    s.allocator.recover("keep-1");
    s.allocator.suppress("keep");
    s.tick();
    s.allocate();
    assertThat(s.allocator.share("g")).isPositive();
    assertThat(s.allocator.weightedShare("g")).isEqualTo(s.allocator.share("g"));
    assertThat(s.allocator.weightedShare("weighted/child")).isEqualTo(s.allocator.share("weighted/child"));

    // A reservation keeps its role until the agent no longer has it.
    s.allocator.removeFramework("g");
    s.addAgent("agent3", "cpus(reserved/r):1;mem(reserved/r):256");
    assertThat(s.allocator.roleCount()).isEqualTo(roles + 2);
    s.updateAgent("agent3", "cpus:1;mem:256");
    assertThat(s.allocator.roleCount()).isEqualTo(roles);
  }
}
