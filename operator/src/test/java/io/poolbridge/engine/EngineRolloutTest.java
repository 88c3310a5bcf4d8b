package io.poolbridge.engine;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rollout's in-place replacement: the instance is stopped and placed again, with the current resources, as a new attempt. */
class EngineRolloutTest {
  private Instant now = Instant.parse("2026-12-01T00:00:00Z");

  private Tick tick(Engine e) {
    now = now.plusSeconds(1);
    Tick t = e.tick(now);
    t.placed().forEach(a -> e.commit(a.instanceId()));
    return t;
  }

  @Test
  void aReplacedInstanceIsPlacedAgainWithTheNewResourcesAsANewAttempt() {
    Engine e = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of()), Duration.ofSeconds(1), 7, now);
    e.addAgent(node("metal", "a1", 8, 32, "zone", "z1"));
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(2).build());
    assertThat(tick(e).placed()).hasSize(2);
    // The resources change: the running instances keep what they were placed with.
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(3, 4)).instances(2).build());
    assertThat(tick(e).stopped()).isEmpty();

    assertThat(e.rollOut("web-0", "its Service changed")).isTrue();
    assertThat(e.rollOut("web-0", "again")).as("no longer running").isFalse();
    Tick t = tick(e);
    assertThat(t.stopped()).singleElement().satisfies(s -> {
      assertThat(s.instanceId()).isEqualTo("web-0");
      assertThat(s.reason()).isEqualTo(StopReason.ROLLED_OUT);
      assertThat(s.message()).isEqualTo("replaced: its Service changed");
    });
    // Placed again at once (no back-off), with 3 cpus; web-1 untouched.
    assertThat(t.placed()).extracting(Assignment::instanceId).containsExactly("web-0");
    assertThat(t.placed().get(0).resources()).isEqualTo(res(3, 4));
    EngineSnapshot.WorkloadView v = e.publish().workloads().get("shop/web");
    assertThat(v.life("web-0").restarts()).isEqualTo(1);
    assertThat(v.life("web-1").restarts()).isZero();
    assertThat(v.placed()).hasSize(2);
  }
}
