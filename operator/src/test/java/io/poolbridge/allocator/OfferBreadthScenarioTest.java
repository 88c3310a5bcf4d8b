package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Offer breadth ({@link Allocator#limitOffers}): a framework holds at most its bound of outstanding
 * offers; the agents it is not offered stay free for the others, and it is offered more once it
 * answers some. Unbounded by default, as in Mesos.
 */
class OfferBreadthScenarioTest {

  private static Scenario estate(int agents) {
    Scenario s = Scenario.of("cpus", "mem");
    for (int i = 1; i <= agents; i++) {
      s.addAgent("agent" + i, "cpus:4;mem:4096");
    }
    return s;
  }

  @Test
  void aBoundedFrameworkHoldsAtMostItsBoundAndTheRestGoesToOthers() {
    Scenario s = estate(10);
    s.addFramework("framework1", "role1");
    s.allocator.limitOffers("framework1", 3);
    List<Offer> first = s.allocator.allocate().offers();
    assertThat(first).hasSize(3).allMatch(o -> o.frameworkId().equals("framework1"));

    // A second framework, unbounded, is offered the seven agents framework1 was not.
    s.addFramework("framework2", "role2");
    List<Offer> second = s.allocator.allocate().offers();
    assertThat(second).hasSize(7).allMatch(o -> o.frameworkId().equals("framework2"));
  }

  @Test
  void answeringOffersMakesRoomForMore() {
    Scenario s = estate(10);
    s.addFramework("framework1", "role1");
    s.allocator.limitOffers("framework1", 3);
    List<Offer> first = s.allocator.allocate().offers();
    // Declined with a filter: those agents are not offered again for its refuse time, others are.
    s.allocator.decline(first.get(0).id(), null);
    s.allocator.decline(first.get(1).id(), null);
    List<Offer> next = s.allocator.allocate().offers();
    assertThat(next).hasSize(2);
    assertThat(next).extracting(Offer::agentId)
        .doesNotContain(first.get(0).agentId(), first.get(1).agentId(), first.get(2).agentId());
    assertThat(s.allocator.outstandingOffers()).hasSize(3);
  }

  @Test
  void unboundedByDefaultAsInMesos() {
    Scenario s = estate(10);
    s.addFramework("framework1", "role1");
    assertThat(s.allocator.allocate().offers()).hasSize(10);
  }

  @Test
  void aBoundUnderTheOffersHeldTakesNothingBackButStopsNewOnes() {
    Scenario s = estate(10);
    s.addFramework("framework1", "role1");
    assertThat(s.allocator.allocate().offers()).hasSize(10);
    s.allocator.limitOffers("framework1", 2);
    assertThat(s.allocator.outstandingOffers()).hasSize(10);
    s.allocator.decline(s.allocator.outstandingOffers().get(0).id(), null);
    assertThat(s.allocator.allocate().offers()).as("still 9 held, bound 2").isEmpty();
  }

  @Test
  void aBoundBelowOneIsRefused() {
    Scenario s = estate(1);
    s.addFramework("framework1", "role1");
    assertThatThrownBy(() -> s.allocator.limitOffers("framework1", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one offer");
    assertThatThrownBy(() -> s.allocator.limitOffers("nobody", 3)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A role's limit ends its framework's offers as surely as the bound does: framework1, limited to
   * 8 cpus and wanting instances of 2 cpus, is offered two whole agents (4 cpus each) and nothing
   * more; framework2 gets the other eight.
   */
  @Test
  void underALimitTheRoomDecidesAndTheOthersStillGetTheirShare() {
    Scenario s = estate(10);
    s.addFramework("framework1", "role1");
    s.addFramework("framework2", "role2");
    Resources shape = Resources.of(s.allocator.schema(), "cpus", 2000, "mem", 1024);
    s.allocator.updateDemand("framework1", shape, List.of(shape));
    s.allocator.setQuota("role1", Quota.limit(Map.of("cpus", 8000L)));
    List<Offer> offers = s.allocator.allocate().offers();
    long toFirst = offers.stream().filter(o -> o.frameworkId().equals("framework1")).mapToLong(o -> o.resources().get("cpus")).sum();
    assertThat(toFirst).isEqualTo(8000);
    assertThat(offers.stream().filter(o -> o.frameworkId().equals("framework2"))).hasSize(8);
    assertThat(offers).hasSize(10);
  }
}
