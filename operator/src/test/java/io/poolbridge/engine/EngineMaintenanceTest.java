package io.poolbridge.engine;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.AgentUsage;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.scheduler.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Draining ahead of a maintenance window, as Mesos' inverse offers: from the window's lead time on
 * the node gets no offers, a Service's instance is placed elsewhere first and its old placement
 * stopped only once the replacement is committed (or when the window opens); a Job's runs until the
 * window opens. Both placements count while both exist: no node is ever over-committed.
 */
class EngineMaintenanceTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final String REASON = "Replace a failed NVMe drive";

  private final AgentInfo a1 = node("metal", "a1", 8, 32, "zone", "z1");
  private final AgentInfo a2 = node("metal", "a2", 8, 32, "zone", "z2");
  /** A node too small for any instance here. */
  private final AgentInfo tiny = node("metal", "tiny", 1, 2, "zone", "z2");
  private Instant now = Instant.parse("2026-12-05T21:00:00Z");
  /** The window opens 30 minutes after the test starts; its lead is 10 minutes. */
  private final Instant start = now.plus(Duration.ofMinutes(30));

  private final List<AgentInfo> agents = new ArrayList<>();

  private Engine engine(AgentInfo... nodes) {
    Engine e = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of()), INTERVAL, 7, now);
    for (AgentInfo a : nodes) {
      e.addAgent(a);
      agents.add(a);
    }
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    return e;
  }

  private void addAgent(Engine e, AgentInfo a) {
    e.addAgent(a);
    agents.add(a);
  }

  /** Ticks once, {@code step} later; commits what it placed when {@code commit}. Checks no node is over-committed. */
  private Tick tick(Engine e, Duration step, boolean commit) {
    now = now.plus(step);
    Tick t = e.tick(now);
    if (commit) {
      t.placed().forEach(a -> e.commit(a.instanceId()));
    }
    for (AgentInfo a : agents) {
      AgentUsage u = e.allocator().usage(a.id());
      assertThat(u.allocated().fitsIn(u.total())).as("%s over-committed at %s: %s", a.id(), now, u.allocated()).isTrue();
    }
    return t;
  }

  private List<Tick> run(Engine e, int ticks) {
    List<Tick> all = new ArrayList<>();
    for (int i = 0; i < ticks; i++) {
      all.add(tick(e, INTERVAL, true));
    }
    return all;
  }

  private static List<Stopped> stopped(List<Tick> ticks) {
    return ticks.stream().flatMap(t -> t.stopped().stream()).toList();
  }

  private static List<Assignment> placed(List<Tick> ticks) {
    return ticks.stream().flatMap(t -> t.placed().stream()).toList();
  }

  private static WorkloadDemand service(int instances) {
    return WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(instances).build();
  }

  private EngineSnapshot.WorkloadView view(Engine e, String key) {
    return e.publish().workloads().get(key);
  }

  private List<String> agentsOf(Engine e, String key) {
    return view(e, key).placed().stream().map(p -> p.assignment().agentId()).toList();
  }

  private Resources2 cpuOn(Engine e, AgentInfo a) {
    return new Resources2(e.allocator().usage(a.id()).allocated().get("cpu"));
  }

  private record Resources2(long cpuMillis) {}

  /** Moves the clock to {@code at} (ticking once there). */
  private Tick at(Engine e, Instant at, boolean commit) {
    return tick(e, Duration.between(now, at), commit);
  }

  @Test
  void aServiceIsPlacedElsewhereFirstAndTheOldStoppedOnlyOnceTheReplacementIsCommitted() {
    Engine e = engine(a1);
    e.upsert(service(2));
    run(e, 3);
    assertThat(agentsOf(e, "shop/web")).containsExactly("metal/a1", "metal/a1");
    addAgent(e, a2);
    run(e, 3);

    // T-10 min: the lead begins.
    at(e, start.minus(Duration.ofMinutes(10)), true);
    e.setMaintenance(a1.id(), AgentState.DRAINING, start, REASON);
    EngineSnapshot.WorkloadView draining = view(e, "shop/web");
    assertThat(draining.placed()).extracting(p -> p.assignment().agentId()).containsExactly("metal/a1", "metal/a1");
    assertThat(draining.draining()).containsOnlyKeys("web-0", "web-1");
    assertThat(draining.draining().get("web-0"))
        .isEqualTo("draining: node a1 has a maintenance window at " + start + " (" + REASON + "); a replacement is placed elsewhere first");

    // The next tick places both replacements on a2; the old ones still hold a1 until the commit.
    Tick placing = tick(e, INTERVAL, false);
    assertThat(placing.placed()).extracting(Assignment::agentId).containsExactly("metal/a2", "metal/a2");
    assertThat(placing.stopped()).isEmpty();
    assertThat(cpuOn(e, a1).cpuMillis()).isEqualTo(4000);
    assertThat(cpuOn(e, a2).cpuMillis()).isEqualTo(4000);
    // Uncommitted, the old ones are not stopped however long it takes.
    assertThat(tick(e, INTERVAL, false).stopped()).isEmpty();
    assertThat(cpuOn(e, a1).cpuMillis()).isEqualTo(4000);

    placing.placed().forEach(a -> e.commit(a.instanceId()));
    Tick after = tick(e, INTERVAL, true);
    assertThat(after.stopped()).hasSize(2).allSatisfy(s -> {
      assertThat(s.reason()).isEqualTo(StopReason.DRAINED);
      assertThat(s.agentId()).isEqualTo("metal/a1");
      assertThat(s.message()).isEqualTo("moved off a1 ahead of its maintenance window at " + start + " (" + REASON
          + "): the replacement on a2 is placed");
    });
    assertThat(cpuOn(e, a1).cpuMillis()).isZero();
    assertThat(agentsOf(e, "shop/web")).containsExactly("metal/a2", "metal/a2");
    assertThat(view(e, "shop/web").draining()).isEmpty();

    // The window opens, then ends: nothing more moves; a1 gets offers again.
    at(e, start, true);
    e.setMaintenance(a1.id(), AgentState.MAINTENANCE, start, REASON);
    assertThat(stopped(run(e, 3))).isEmpty();
    at(e, start.plus(Duration.ofHours(6)), true);
    e.setAgentState(a1.id(), AgentState.ACTIVE);
    e.upsert(service(6));
    List<Tick> later = run(e, 5);
    assertThat(placed(later)).extracting(Assignment::agentId).contains("metal/a1");
  }

  @Test
  void withNoRoomElsewhereTheInstanceRunsUntilTheWindowOpensThenWaitsWithTheReason() {
    Engine e = engine(a1, tiny);
    e.upsert(service(2));
    run(e, 3);
    at(e, start.minus(Duration.ofMinutes(10)), true);
    e.setMaintenance(a1.id(), AgentState.DRAINING, start, REASON);

    List<Tick> lead = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lead.add(tick(e, Duration.ofSeconds(29), true));
    }
    assertThat(now).isBefore(start);
    assertThat(placed(lead)).isEmpty();
    assertThat(stopped(lead)).isEmpty();
    // Still running (and accounted) on a1, shown as draining.
    assertThat(cpuOn(e, a1).cpuMillis()).isEqualTo(4000);
    assertThat(agentsOf(e, "shop/web")).containsExactly("metal/a1", "metal/a1");
    assertThat(view(e, "shop/web").draining()).containsOnlyKeys("web-0", "web-1");
    assertThat(view(e, "shop/web").pending()).isEmpty();
    // The pool's figures count them on a1 too.
    assertThat(e.publish().pools().get("metal").agents()).filteredOn(n -> n.id().equals("metal/a1")).singleElement()
        .satisfies(n -> assertThat(n.placed().get("cpu")).isEqualTo(4000));

    // The window opens: both stopped, pending, saying why.
    Tick opening = at(e, start.minusSeconds(1), true);
    assertThat(opening.stopped()).isEmpty();
    e.setMaintenance(a1.id(), AgentState.MAINTENANCE, start, REASON);
    assertThat(view(e, "shop/web").pending()).hasSize(2).allSatisfy(u -> assertThat(u.reason().message()).isEqualTo(
        "stopped: node a1's maintenance window (" + REASON + ") started at " + start
            + " before a replacement could be placed; placed again where there is room"));
    opening = tick(e, Duration.ofSeconds(1), true);
    assertThat(opening.stopped()).hasSize(2).allSatisfy(s -> {
      assertThat(s.reason()).isEqualTo(StopReason.DRAINED);
      assertThat(s.message()).isEqualTo("stopped: node a1's maintenance window (" + REASON + ") started at " + start
          + " before a replacement could be placed; placed again where there is room");
    });
    assertThat(stopped(run(e, 3))).isEmpty();
    assertThat(cpuOn(e, a1).cpuMillis()).isZero();
    EngineSnapshot.WorkloadView v = view(e, "shop/web");
    assertThat(v.placed()).isEmpty();
    // Why they wait: first the window (until a round with offers tells more), then that no node that takes work is big enough.
    assertThat(v.pending()).hasSize(2).allSatisfy(u -> assertThat(u.reason().message())
        .isEqualTo("Insufficient cpu,memory in pools metal: no node is big enough for one instance of cpu 2, memory 4Gi"));
    assertThat(v.draining()).isEmpty();

    // The window ends: a1 is offered again and takes them back.
    at(e, start.plus(Duration.ofHours(6)), true);
    e.setAgentState(a1.id(), AgentState.ACTIVE);
    run(e, 5);
    assertThat(agentsOf(e, "shop/web")).containsExactly("metal/a1", "metal/a1");
  }

  @Test
  void anInstanceThatEndsWhileDrainingIsReleasedAndPlacedElsewhereOnceThereIsRoom() {
    Engine e = engine(a1, tiny);
    e.upsert(service(1));
    run(e, 3);
    e.setMaintenance(a1.id(), AgentState.DRAINING, start, REASON);
    run(e, 3);
    assertThat(cpuOn(e, a1).cpuMillis()).isEqualTo(2000);

    assertThat(e.exited("web-0", Exit.FAILED, now, "exit code 1")).isTrue();
    Tick t = tick(e, INTERVAL, true);
    assertThat(t.stopped()).singleElement().satisfies(s -> {
      assertThat(s.reason()).isEqualTo(StopReason.EXITED);
      assertThat(s.agentId()).isEqualTo("metal/a1");
      assertThat(s.message()).isEqualTo("ended while draining off a1 (exit code 1): placed elsewhere");
    });
    assertThat(cpuOn(e, a1).cpuMillis()).isZero();
    assertThat(view(e, "shop/web").placed()).isEmpty();
    assertThat(view(e, "shop/web").pending()).hasSize(1);
    assertThat(e.exited("web-0", Exit.FAILED, now, "exit code 1")).as("reported twice").isFalse();

    addAgent(e, a2);
    assertThat(placed(run(e, 5))).extracting(Assignment::agentId).containsExactly("metal/a2");
  }

  /** A restarted operator tells the window first, then restores the record: the instance is drained as well. */
  @Test
  void anInstanceRestoredOntoANodeDrainedAheadIsDrainedToo() {
    Engine e = engine(a1, a2);
    e.upsert(service(1));
    e.setMaintenance(a1.id(), AgentState.DRAINING, start, REASON);
    e.restore(new RecordedPlacement("web-0", "shop/web", a1.id(), res(2, 4), false, Map.of()));
    assertThat(view(e, "shop/web").draining()).containsOnlyKeys("web-0");
    Tick placing = tick(e, INTERVAL, true);
    assertThat(placing.placed()).extracting(Assignment::agentId).containsExactly("metal/a2");
    assertThat(tick(e, INTERVAL, true).stopped()).singleElement()
        .satisfies(s -> assertThat(s.agentId()).isEqualTo("metal/a1"));
    assertThat(cpuOn(e, a1).cpuMillis()).isZero();
  }

  @Test
  void aJobRunsOnUntilTheWindowOpensAndIsThenPlacedElsewhere() {
    Engine e = engine(a1);
    e.upsert(WorkloadDemand.builder("shop/report", "marathon", res(2, 4)).instances(1).kind(WorkloadKind.JOB).build());
    run(e, 3);
    addAgent(e, a2);
    at(e, start.minus(Duration.ofMinutes(10)), true);
    e.setMaintenance(a1.id(), AgentState.DRAINING, start, REASON);
    List<Tick> lead = run(e, 10);
    assertThat(placed(lead)).isEmpty();
    assertThat(stopped(lead)).isEmpty();
    assertThat(agentsOf(e, "shop/report")).containsExactly("metal/a1");
    assertThat(view(e, "shop/report").draining().get("report-0"))
        .isEqualTo("draining: node a1 has a maintenance window at " + start + " (" + REASON + "); it runs until the window starts");

    // It has not ended by the time the window opens: it is stopped then and placed elsewhere.
    at(e, start, true);
    e.setMaintenance(a1.id(), AgentState.MAINTENANCE, start, REASON);
    List<Tick> opened = run(e, 5);
    assertThat(stopped(opened)).singleElement().satisfies(s -> {
      assertThat(s.reason()).isEqualTo(StopReason.DRAINED);
      assertThat(s.message()).isEqualTo("moved off a1: its maintenance window (" + REASON + ") started at " + start);
    });
    assertThat(agentsOf(e, "shop/report")).containsExactly("metal/a2");
    assertThat(view(e, "shop/report").life("report-0").restarts()).as("not a failure of the Job").isZero();
  }

  @Test
  void aWindowRemovedBeforeItOpensLeavesAnUnplacedInstanceWhereItRuns() {
    Engine e = engine(a1, tiny);
    e.upsert(service(1));
    run(e, 3);
    e.setMaintenance(a1.id(), AgentState.DRAINING, start, REASON);
    assertThat(stopped(run(e, 5))).isEmpty();
    e.setAgentState(a1.id(), AgentState.ACTIVE);
    List<Tick> ticks = run(e, 5);
    assertThat(stopped(ticks)).isEmpty();
    assertThat(placed(ticks)).isEmpty();
    assertThat(agentsOf(e, "shop/web")).containsExactly("metal/a1");
    assertThat(view(e, "shop/web").placed().get(0).committed()).isTrue();
    assertThat(view(e, "shop/web").draining()).isEmpty();
    assertThat(cpuOn(e, a1).cpuMillis()).isEqualTo(2000);
  }
}
