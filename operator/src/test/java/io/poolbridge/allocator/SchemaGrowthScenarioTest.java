package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The resource schema grows at run time: a quota naming a resource no agent has yet, or an agent
 * with a new extended resource, is taken in without a rebuild. Everything held before keeps its
 * resources (zero of the new one) and its accounts.
 */
class SchemaGrowthScenarioTest {
  private static final ResourceSchema WITH_GPUS = ResourceSchema.of("cpus", "mem", "nvidia.com/gpu");

  private static Resources gpuNode(long cpus, long mem, long gpus) {
    return Resources.of(WITH_GPUS, "cpus", cpus * 1000, "mem", mem, "nvidia.com/gpu", gpus);
  }

  @Test
  void guaranteeOfAResourceNoAgentHasStaysUnmetUntilAnAgentBringsIt() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("web", "web");
    s.addAgent("agent1", "cpus:4;mem:4096");
    assertThat(s.allocate()).containsExactly("web <- agent1 cpus:4;mem:4096");
    s.accept("web", "agent1", s.launch("web-1", "cpus:1;mem:1024", 0));
    assertThat(s.allocator.share("web")).isCloseTo(0.25, within(1e-12));

    s.addFramework("ml", "ml");
    assertThat(s.allocator.setQuota("ml", Quota.guarantee(Map.of("nvidia.com/gpu", 2L)))).isEmpty();
    assertThat(s.allocator.schema()).isEqualTo(WITH_GPUS);
    assertThat(s.allocator.guaranteeMet("ml")).isFalse();
    assertThat(Scenario.show(s.allocator.guaranteeShortfall("ml"))).isEqualTo("nvidia.com/gpu:2");
    // No agent has GPUs: the share is of cpus and memory as before.
    assertThat(s.allocator.share("web")).isCloseTo(0.25, within(1e-12));
    assertThat(Scenario.showPlacements(s.allocator.placements())).containsExactly("web-1 of web @ agent1 cpus:1;mem:1024");

    // What agent1 has left goes to ml in fair share (its guarantee names GPUs only); launches
    // written in the old schema are taken as holding no GPUs.
    assertThat(s.allocate()).containsExactly("ml <- agent1 cpus:3;mem:3072");
    s.accept("ml", "agent1", s.launch("ml-1", "cpus:3;mem:3072", 0));
    assertThat(s.allocator.share("ml")).isCloseTo(0.75, within(1e-12));
    assertThat(s.allocator.guaranteeMet("ml")).isFalse();
    s.advance(FrameworkInfo.DEFAULT_REFUSE);

    // A GPU node: ml, although its share is the larger, is offered it first, for its guarantee.
    s.allocator.addAgent(AgentInfo.of("agent2", Scenario.POOL, gpuNode(4, 4096, 2)));
    assertThat(Scenario.show(s.allocator.allocate(List.of("agent2")).offers()))
        .containsExactly("ml <- agent2 cpus:4;mem:4096;nvidia.com/gpu:2");
    assertThat(s.allocator.guaranteeMet("ml")).isTrue();
    // The placements made before the growth keep their resources and accounts.
    assertThat(Scenario.show(s.allocator.usage("agent1").allocated())).isEqualTo("cpus:4;mem:4096");
    assertThat(s.allocator.share("web")).isCloseTo(0.125, within(1e-12));
  }

  @Test
  void offersFiltersAndSharesSurviveTheGrowth() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("a", "a");
    s.addAgent("agent1", "cpus:2;mem:1024");
    assertThat(s.allocate()).containsExactly("a <- agent1 cpus:2;mem:1024");
    long offerId = s.outstanding("a", "agent1").id();

    s.allocator.extendSchema(WITH_GPUS);
    assertThat(Scenario.show(s.allocator.outstandingOffers())).containsExactly("a <- agent1 cpus:2;mem:1024");
    assertThat(s.allocator.outstandingOffers().get(0).resources().schema()).isEqualTo(WITH_GPUS);
    assertThat(s.allocator.share("a")).isCloseTo(1.0, within(1e-12));
    s.allocator.decline(offerId, Duration.ofHours(1));

    s.allocator.addAgent(AgentInfo.of("agent2", Scenario.POOL, gpuNode(1, 512, 1)));
    s.tick();
    // agent1 stays filtered; agent2 is offered whole.
    assertThat(s.allocate()).containsExactly("a <- agent2 cpus:1;mem:512;nvidia.com/gpu:1");
    // a holds 1 of 3 cpus, 512 of 1536 MB and 1 of 1 GPU.
    assertThat(s.allocator.share("a")).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void agentUpdatedWithANewResourceKeepsItsPlacements() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("a", "a");
    s.addAgent("agent1", "cpus:2;mem:1024");
    s.allocate();
    s.accept("a", "agent1", s.launch("a-1", "cpus:1;mem:512", 0));

    assertThat(s.allocator.updateAgent(AgentInfo.of("agent1", Scenario.POOL, gpuNode(2, 1024, 4)))).isEmpty();
    assertThat(s.allocator.schema()).isEqualTo(WITH_GPUS);
    assertThat(Scenario.showPlacements(s.allocator.placements())).containsExactly("a-1 of a @ agent1 cpus:1;mem:512");
    assertThat(s.allocator.share("a")).isCloseTo(0.5, within(1e-12));
    s.advance(FrameworkInfo.DEFAULT_REFUSE);
    assertThat(s.allocate()).containsExactly("a <- agent1 cpus:1;mem:512;nvidia.com/gpu:4");
    // Recovering the old placement gives back exactly what it held.
    s.allocator.recover("a-1");
    assertThat(Scenario.show(s.allocator.usage("agent1").free())).isEqualTo("cpus:1;mem:512");
  }

  /** Demand naming a new resource extends the schema too; shapes of the old schema are widened. */
  @Test
  void demandOfANewResourceShapesOffers() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addFramework("ml", "ml");
    s.addAgent("agent1", "cpus:4;mem:4096");
    s.allocator.updateDemand("ml", gpuNode(1, 512, 1), List.of(s.res("cpus:1;mem:512"), gpuNode(1, 512, 1)));
    assertThat(s.allocator.schema()).isEqualTo(WITH_GPUS);
    // The cpu-only shape fits agent1.
    assertThat(s.allocate()).containsExactly("ml <- agent1 cpus:4;mem:4096");
    s.declineAll(Duration.ZERO);
    // Only the GPU shape is left: agent1 holds none of it, so it is not offered.
    s.allocator.updateDemand("ml", gpuNode(1, 512, 1), List.of(gpuNode(1, 512, 1)));
    s.tick();
    assertThat(s.allocate()).isEmpty();
    s.allocator.addAgent(AgentInfo.of("agent2", Scenario.POOL, gpuNode(2, 1024, 1)));
    assertThat(s.allocate()).containsExactly("ml <- agent2 cpus:2;mem:1024;nvidia.com/gpu:1");
  }

  @Test
  void onlyAnExtensionOfTheSchemaIsTaken() {
    Scenario s = Scenario.of("cpus", "mem");
    assertThatThrownBy(() -> s.allocator.extendSchema(ResourceSchema.of("mem", "cpus", "nvidia.com/gpu")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.allocator.extendSchema(WITH_GPUS.withFairnessExcluded(Set.of("cpus"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.allocator.addAgent(AgentInfo.of("x", Scenario.POOL, Resources.of(ResourceSchema.of("gpu"), "gpu", 1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.allocator.schema()).isEqualTo(ResourceSchema.of("cpus", "mem"));
  }

  @Test
  void widenAddsZeros() {
    Resources r = Resources.of(ResourceSchema.of("cpus", "mem"), "cpus", 1000, "mem", 512);
    Resources w = r.widen(WITH_GPUS);
    assertThat(w.schema()).isEqualTo(WITH_GPUS);
    assertThat(w.get("nvidia.com/gpu")).isZero();
    assertThat(w.get("cpus")).isEqualTo(1000);
    assertThatThrownBy(() -> w.widen(ResourceSchema.of("cpus", "mem"))).isInstanceOf(IllegalArgumentException.class);
  }
}
