package io.poolbridge.reconciler.framework;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.FrameworkStatus;
import io.poolbridge.engine.EngineSnapshot.FrameworkView;
import io.poolbridge.time.ManualClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Framework's status from the engine's view of it. */
class FrameworkStatusFactoryTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");
  private final ManualClock clock = new ManualClock();
  private final FrameworkStatusFactory factory = new FrameworkStatusFactory(clock);

  private static Framework framework(long generation) {
    Framework f = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: spark}
        spec: {type: External, role: eng/analytics, namespaces: {names: [analytics]}}
        """, Framework.class);
    f.getMetadata().setGeneration(generation);
    return f;
  }

  private static FrameworkView view(double share, boolean met, Resources shortfall, int pending) {
    return new FrameworkView("spark", "eng/analytics", share, share / 2, met, shortfall, pending, 3,
        Resources.of(SCHEMA, "cpu", 12_500, "memory", 48L << 30));
  }

  private static Condition condition(FrameworkStatus s, String type) {
    return s.conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void sharesAllocationAndAShortGuarantee() {
    FrameworkStatus s = factory.of(framework(2), view(0.123456789, false, Resources.of(SCHEMA, "cpu", 4000), 7), null);
    assertThat(s.dominantShare()).isEqualTo(0.1235);
    assertThat(s.weightedShare()).isEqualTo(0.0617);
    assertThat(s.allocated()).containsExactly(Map.entry("cpu", new Quantity("12.5")), Map.entry("memory", new Quantity("48Gi")));
    assertThat(s.pendingInstances()).isEqualTo(7);
    assertThat(s.outstandingOffers()).as("offers it holds unanswered").isEqualTo(3);
    assertThat(s.guaranteeMet()).isFalse();
    assertThat(s.observedGeneration()).isEqualTo(2);
    Condition g = condition(s, "GuaranteeMet");
    assertThat(g.getStatus()).isEqualTo("False");
    assertThat(g.getReason()).isEqualTo("GuaranteeShort");
    assertThat(g.getMessage()).isEqualTo("Role eng/analytics is short of 4 cpu of its guarantee");
    assertThat(condition(s, "Ready").getStatus()).as("short of its guarantee, it is not healthy yet").isEqualTo("False");
    assertThat(condition(s, "Reconciling").getStatus()).as("the allocator works toward the guarantee").isEqualTo("True");
    assertThat(condition(s, "Reconciling").getReason()).isEqualTo("GuaranteeShort");
    assertThat(condition(s, "Reconciling").getMessage())
        .isEqualTo("Role eng/analytics is short of 4 cpu of its guarantee while 7 instances wait");
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("False");
  }

  @Test
  void anUnchangedFrameworkGivesAnEqualStatusAndTransitionsAreDated() {
    FrameworkStatus first = factory.of(framework(1), view(0.25, false, Resources.of(SCHEMA, "cpu", 1000), 1), null);
    clock.advance(Duration.ofMinutes(1));
    // A change in the last bits of the share is no change.
    assertThat(factory.of(framework(1), view(0.25 + 1e-12, false, Resources.of(SCHEMA, "cpu", 1000), 1), first)).isEqualTo(first);
    clock.advance(Duration.ofMinutes(1));
    FrameworkStatus met = factory.of(framework(1), view(0.3, true, Resources.none(SCHEMA), 0), first);
    assertThat(condition(met, "GuaranteeMet").getStatus()).isEqualTo("True");
    assertThat(condition(met, "GuaranteeMet").getLastTransitionTime()).isEqualTo("1970-01-01T00:02:00Z");
    assertThat(condition(met, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(met, "Ready").getLastTransitionTime()).as("Ready with the guarantee").isEqualTo("1970-01-01T00:02:00Z");
    assertThat(condition(met, "Stalled").getLastTransitionTime()).as("never stalled").isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void aGuaranteeNothingAsksForIsNoWorkInProgress() {
    // A role guaranteed 64 cpu that runs 10: the rest is there for it when it asks (Mesos quota),
    // the operator has nothing to do, and Flux must not wait for it.
    FrameworkStatus idle = factory.of(framework(1), view(0.1, false, Resources.of(SCHEMA, "cpu", 54_000), 0), null);
    assertThat(condition(idle, "GuaranteeMet").getStatus()).isEqualTo("False");
    assertThat(condition(idle, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(idle, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(idle, "Stalled").getStatus()).isEqualTo("False");
  }
}
