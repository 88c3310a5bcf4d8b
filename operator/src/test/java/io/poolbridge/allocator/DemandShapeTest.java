package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Demand-aware offers: a framework that told the allocator the shapes of its pending instances is
 * offered an agent only when the offer holds at least one of them, in every stage, so capacity it
 * cannot use goes on to frameworks that can.
 */
class DemandShapeTest {

  /**
   * Ten nodes of 64 cpu; role capped has reached its 64Gi memory limit, and its framework still
   * wants (1 cpu, 1Gi) instances; web wants 300 of them. Capped comes first in DRF order but every
   * offer to it would have its memory cut to zero: it gets none, and web gets every node's 512 idle
   * cpu between them.
   */
  @Test
  void aFrameworkAtItsMemoryLimitIsNotOfferedCpuItCannotUse() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("capped", Quota.limit(s.res("mem:65536").asMap()));
    s.addFramework("capped-fw", "capped");
    s.addFramework("web", "eng");
    for (int n = 1; n <= 10; n++) {
      s.addAgent("node" + n, "cpus:64;mem:262144");
    }
    for (int n = 1; n <= 8; n++) {
      s.running("capped-" + n, "capped-fw", "node" + n, "cpus:1;mem:8192");
    }
    for (int n = 1; n <= 10; n++) {
      for (int k = 1; k <= 12; k++) {
        s.running("web-" + n + "-" + k, "web", "node" + n, "cpus:1;mem:1024");
      }
    }
    Resources one = s.res("cpus:1;mem:1024");
    s.allocator.updateDemand("capped-fw", one, List.of(one));
    s.allocator.updateDemand("web", s.res("cpus:180;mem:184320"), List.of(one));

    List<Offer> offers = s.allocator.allocate().offers();
    assertThat(offers).extracting(Offer::frameworkId).containsOnly("web");
    assertThat(offers).hasSize(10);
    long cpus = offers.stream().mapToLong(o -> o.resources().get("cpus")).sum();
    assertThat(cpus).isEqualTo(512_000);
  }

  /**
   * A shape bound to the agents its instance may run on (say, its constraints want zone b, which
   * only agent2 is in): the framework is offered agent2 alone, where Mesos would offer it both and
   * have it decline agent1 (which would then count against its limit until declined, and be
   * filtered). Agent1 goes to a framework that can use it.
   */
  @Test
  void aShapeIsOfferedOnlyOnTheAgentsItMayRunOn() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("web", "a");
    s.addAgent("agent1", "cpus:4;mem:4096");
    s.addAgent("agent2", "cpus:4;mem:4096");
    Resources one = s.res("cpus:1;mem:1024");
    s.allocator.updateDemandShapes("web", one, List.of(new DemandShape(one, agent -> agent.id().equals("agent2"))));

    assertThat(s.allocate()).containsExactly("web <- agent2 cpus:4;mem:4096");

    s.addFramework("batch", "b");
    s.allocator.updateDemand("batch", one, List.of(one));
    assertThat(s.allocate()).containsExactly("batch <- agent1 cpus:4;mem:4096");
  }

  /** Known-empty demand: nothing is offered. Unknown shapes (the old call): offered as before. */
  @Test
  void knownEmptyDemandGetsNothingUnknownShapesGetEverything() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("idle", "a");
    s.addAgent("agent1", "cpus:4;mem:4096");
    s.allocator.updateDemand("idle", Resources.none(s.schema), List.of());
    assertThat(s.allocate()).isEmpty();
    s.allocator.updateDemand("idle", Resources.none(s.schema));
    assertThat(s.allocate()).containsExactly("idle <- agent1 cpus:4;mem:4096");
  }

  /** An offer smaller than every shape goes to the next framework, whichever stage makes it. */
  @Test
  void shapesBindInTheQuotaFairAndBorrowingStages() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("prod", Quota.guarantee(s.res("cpus:2;mem:2048").asMap()));
    s.addFramework("big", "prod");
    s.addFramework("small", "prod");
    s.addRevocableFramework("borrower", "research");
    Resources huge = s.res("cpus:8;mem:8192");
    Resources tiny = s.res("cpus:1;mem:1024");
    s.allocator.updateDemand("big", huge, List.of(huge));
    s.allocator.updateDemand("small", tiny, List.of(tiny));
    s.allocator.updateDemand("borrower", huge, List.of(huge));
    // Quota stage: "big" comes first by name but its shape does not fit; "small" gets the guarantee
    // and the rest of the agent.
    assertThat(s.addAgentAndAllocate("agent1", "cpus:4;mem:4096")).containsExactly("small <- agent1 cpus:4;mem:4096");
    // Borrowing: the reservation of another role is lent only to a framework whose shape it holds.
    s.addAgent("agent2", "cpus(db):2;mem(db):2048");
    assertThat(s.allocator.allocate(List.of("agent2")).offers()).isEmpty();
    s.allocator.updateDemand("borrower", tiny, List.of(huge, tiny));
    assertThat(s.allocator.allocate(List.of("agent2")).offers())
        .extracting(Scenario::show)
        .containsExactly("borrower <- agent2 cpus:2;mem:2048 (revocable)");
  }

  /**
   * Reclaiming follows the shapes too: the owner wants one 3-cpu instance; the lowest-priority
   * borrower sits on a 2-cpu reservation, where no instance of it would fit even once freed, so the
   * one on the 4-cpu reservation is revoked, and only it.
   */
  @Test
  void reclaimRevokesOnlyWhereAnInstanceOfTheOwnerFits() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addRevocableFramework("batch", "research");
    s.addAgent("agent1", "cpus(db):2;mem(db):2048");
    s.addAgent("agent2", "cpus(db):4;mem(db):4096");
    assertThat(s.allocate()).hasSize(2);
    s.accept("batch", "agent1", s.launch("etl-1", "cpus:2;mem:2048", 0));
    s.accept("batch", "agent2", s.launch("etl-2", "cpus:4;mem:4096", 5));
    s.addFramework("postgres", "db");
    Resources three = s.res("cpus:3;mem:1024");
    s.allocator.updateDemand("postgres", three, List.of(three));
    assertThat(s.allocator.allocate().revocations()).extracting(r -> r.placement().instanceId()).containsExactly("etl-2");
  }
}
