package io.poolbridge.engine;

import static io.poolbridge.scheduler.Fixtures.GIB;
import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.Unplaced;
import io.poolbridge.scheduler.WorkloadDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Borrowed capacity taken back (Mesos revocable resources): the borrower's instances on it are
 * stopped ({@link StopReason#REVOKED}), their status says why while they wait, and a Service's are
 * placed again once there is room.
 */
class EngineRevocationTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private final AgentInfo a1 = node("metal", "a1", 8, 32, "zone", "z1");
  private Instant now = Instant.parse("2026-12-01T00:00:00Z");

  private List<Tick> run(Engine e, int ticks) {
    List<Tick> all = new ArrayList<>();
    for (int i = 0; i < ticks; i++) {
      now = now.plus(INTERVAL);
      Tick t = e.tick(now);
      t.placed().forEach(a -> e.commit(a.instanceId()));
      all.add(t);
    }
    return all;
  }

  @Test
  void revokedInstancesWaitSayingWhyAndAreplacedAgainWhenRoomAppears() {
    Engine e = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of()), INTERVAL, 3, now);
    e.addAgent(a1);
    e.addFramework(FrameworkInfo.of("prod-fw", "prod"));
    e.addFramework(new FrameworkInfo("batch-fw", "batch", true, null, null));
    // prod is guaranteed the whole node; it wants nothing yet, so batch borrows it (revocably).
    e.setQuota("prod", Quota.guarantee(Map.of("cpu", 8000L, "memory", 32 * GIB)));
    e.upsert(WorkloadDemand.builder("batch/crunch", "batch-fw", res(2, 8)).instances(4).revocableOk().build());
    run(e, 10);
    assertThat(e.publish().workloads().get("batch/crunch").placed()).hasSize(4)
        .allSatisfy(p -> assertThat(p.assignment().revocable()).isTrue());

    // prod's service arrives: two of batch's instances are revoked for its 4 cpu.
    e.upsert(WorkloadDemand.builder("prod/api", "prod-fw", res(2, 8)).instances(2).build());
    List<Tick> ticks = run(e, 20);
    List<Stopped> revoked = ticks.stream().flatMap(t -> t.stopped().stream()).toList();
    assertThat(revoked).hasSize(2).allSatisfy(s -> {
      assertThat(s.reason()).isEqualTo(StopReason.REVOKED);
      assertThat(s.message()).isEqualTo("revoked: borrowed capacity reclaimed by role prod");
    });
    assertThat(e.publish().workloads().get("prod/api").placed()).hasSize(2);
    EngineSnapshot.WorkloadView batch = e.publish().workloads().get("batch/crunch");
    assertThat(batch.placed()).hasSize(2);
    assertThat(batch.pending()).extracting(Unplaced::instanceId)
        .containsExactlyInAnyOrderElementsOf(revoked.stream().map(Stopped::instanceId).toList());
    assertThat(batch.pending()).allSatisfy(u -> assertThat(u.reason().message()).isEqualTo("revoked: borrowed capacity reclaimed by role prod"));

    // A node joins: the revoked Service instances run again.
    e.addAgent(node("metal", "a2", 8, 32, "zone", "z2"));
    List<Assignment> again = run(e, 20).stream().flatMap(t -> t.placed().stream()).toList();
    assertThat(again).extracting(Assignment::instanceId)
        .containsExactlyInAnyOrderElementsOf(revoked.stream().map(Stopped::instanceId).toList());
    assertThat(again).allSatisfy(a -> assertThat(a.agentId()).isEqualTo("metal/a2"));
    assertThat(e.publish().workloads().get("batch/crunch").pending()).isEmpty();
  }
}
