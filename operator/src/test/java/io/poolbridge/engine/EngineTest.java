package io.poolbridge.engine;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.EngineSnapshot.Placed;
import io.poolbridge.engine.EngineSnapshot.WorkloadView;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.Reason;
import io.poolbridge.scheduler.WorkloadDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The engine driven by events and ticks, as the operator's allocation loop drives it. */
class EngineTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final AgentInfo a1 = node("metal", "a1", 8, 32, "zone", "z1");
  private final AgentInfo a2 = node("metal", "a2", 8, 32, "zone", "z2");
  private final AgentInfo c1 = node("cloud", "c1", 8, 32, "zone", "z3");

  private Instant now = Instant.EPOCH;

  private Engine engine(AgentInfo... agents) {
    Engine e = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of("cloud", new double[] {0.04, 0.005})), INTERVAL, 7, now);
    for (AgentInfo a : agents) {
      e.addAgent(a);
    }
    return e;
  }

  private Tick tick(Engine e) {
    now = now.plus(INTERVAL);
    return e.tick(now);
  }

  /** Ticks (committing every placement) until settled; the ticks, in order. */
  private List<Tick> settle(Engine e) {
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Tick t = tick(e);
      t.placed().forEach(a -> e.commit(a.instanceId()));
      ticks.add(t);
      if (t.settled()) {
        return ticks;
      }
    }
    throw new AssertionError("not settled in 100 ticks");
  }

  private static List<Assignment> placed(List<Tick> ticks) {
    return ticks.stream().flatMap(t -> t.placed().stream()).toList();
  }

  private static List<Stopped> stopped(List<Tick> ticks) {
    return ticks.stream().flatMap(t -> t.stopped().stream()).toList();
  }

  private static WorkloadDemand web(int instances) {
    return WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(instances).build();
  }

  @Test
  void aSettledEngineTicksIdleUntilAnEventComes() {
    Engine e = engine(a1, a2);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(3));
    List<Tick> ticks = settle(e);
    assertThat(placed(ticks)).hasSize(3);
    long rounds = e.rounds();

    Tick idle = tick(e);
    assertThat(idle.idle()).isTrue();
    assertThat(idle.changed()).isFalse();
    assertThat(e.rounds()).as("an idle tick runs no round").isEqualTo(rounds);
    assertThat(e.snapshot().workloads().get("shop/web").placed()).hasSize(3);

    // A new workload wakes it: its instances are placed within the next ticks.
    e.upsert(WorkloadDemand.builder("shop/cache", "marathon", res(1, 1)).instances(2).build());
    Tick woken = tick(e);
    assertThat(woken.idle()).isFalse();
    assertThat(woken.placed()).extracting(Assignment::workloadKey).containsOnly("shop/cache");
    assertThat(woken.placed()).hasSize(2);
  }

  @Test
  void aPlacementNamesItsNodePoolResourcesAndPrice() {
    Engine e = engine(c1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(1));
    Assignment a = placed(settle(e)).get(0);
    assertThat(a.agentId()).isEqualTo("cloud/c1");
    assertThat(a.pool()).isEqualTo("cloud");
    assertThat(a.resources()).isEqualTo(res(2, 4));
    assertThat(a.revocable()).isFalse();
    // 2 cores at 0.04 and 4 GiB at 0.005 per hour.
    assertThat(a.pricePerHour()).isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void scalingDownStopsTheInstancesNoLongerListedAndReleasesThem() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(3));
    settle(e);
    assertThat(e.allocator().usage(a1.id()).allocated()).isEqualTo(res(6, 12));

    e.upsert(web(1));
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).extracting(Stopped::instanceId, Stopped::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("web-1", StopReason.SCALED_DOWN),
        org.assertj.core.groups.Tuple.tuple("web-2", StopReason.SCALED_DOWN));
    assertThat(placed(ticks)).isEmpty();
    assertThat(e.allocator().usage(a1.id()).allocated()).isEqualTo(res(2, 4));
    WorkloadView v = e.snapshot().workloads().get("shop/web");
    assertThat(v.instances()).isEqualTo(1);
    assertThat(v.placed()).extracting(p -> p.assignment().instanceId()).containsExactly("web-0");
    assertThat(v.pending()).isEmpty();
  }

  @Test
  void deletingAWorkloadStopsItsInstancesAndFreesTheRoomForOthers() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.addFramework(FrameworkInfo.of("spark", "analytics"));
    e.upsert(web(4)); // 8 cores: the whole node
    settle(e);
    e.upsert(WorkloadDemand.builder("data/etl", "spark", res(4, 4)).instances(1).build());
    settle(e);
    assertThat(e.snapshot().workloads().get("data/etl").pending()).hasSize(1);

    e.delete("shop/web");
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).hasSize(4).allMatch(s -> s.reason() == StopReason.DELETED);
    assertThat(placed(ticks)).extracting(Assignment::instanceId).containsExactly("etl-0");
    assertThat(e.snapshot().workloads()).doesNotContainKey("shop/web");
  }

  @Test
  void aRolledBackPlacementIsUndoneAndPlacedAgainFromFreshState() {
    Engine e = engine(a1, a2);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(1));
    Tick first = tick(e);
    assertThat(first.placed()).hasSize(1);
    String agent = first.placed().get(0).agentId();
    assertThat(e.publish().workloads().get("shop/web").placed().get(0).committed()).isFalse();

    // The status write was refused (a conflict): the engine releases the placement...
    e.rollBack("web-0");
    assertThat(e.allocator().usage(agent).allocated().isEmpty()).isTrue();
    assertThat(e.publish().workloads().get("shop/web").pending()).hasSize(1);
    // ... and places the instance again at a later tick; committed, it shows as such.
    List<Tick> again = settle(e);
    assertThat(placed(again)).extracting(Assignment::instanceId).containsExactly("web-0");
    assertThat(e.snapshot().workloads().get("shop/web").placed().get(0).committed()).isTrue();
    assertThatThrownBy(() -> e.rollBack("web-0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNodeThatLeavesLosesItsInstancesWhichArePlacedElsewhere() {
    Engine e = engine(a1, a2);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(2)
        .constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE)).build());
    settle(e);
    e.addAgent(c1);
    settle(e);

    e.removeAgent(a1.id());
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).singleElement().satisfies(s -> {
      assertThat(s.reason()).isEqualTo(StopReason.LOST);
      assertThat(s.agentId()).isEqualTo(a1.id());
    });
    assertThat(placed(ticks)).singleElement().satisfies(a -> assertThat(a.agentId()).isEqualTo(c1.id()));
    assertThat(e.snapshot().pools().get("metal").nodes()).isEqualTo(1);
  }

  @Test
  void aDrainingNodeMovesItsInstancesAndStopsTakingNewOnes() {
    Engine e = engine(a1, a2);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(2));
    settle(e);
    String on = e.snapshot().workloads().get("shop/web").placed().get(0).assignment().agentId();
    String other = on.equals(a1.id()) ? a2.id() : a1.id();

    e.setAgentState(on, AgentState.DRAINING);
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).isNotEmpty().allMatch(s -> s.reason() == StopReason.DRAINED && s.agentId().equals(on));
    assertThat(e.snapshot().workloads().get("shop/web").placed()).allMatch(p -> p.assignment().agentId().equals(other));
    assertThat(e.snapshot().pools().get("metal").activeNodes()).isEqualTo(1);
  }

  @Test
  void aGangScaledDownStopsWholeAndIsPlacedAgainWhole() {
    Engine e = engine(a1, a2);
    e.addFramework(FrameworkInfo.of("spark", "analytics"));
    e.upsert(WorkloadDemand.builder("data/train", "spark", res(4, 8)).instances(3).gang().build());
    settle(e);
    e.upsert(WorkloadDemand.builder("data/train", "spark", res(4, 8)).instances(2).gang().build());
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).extracting(Stopped::reason).contains(StopReason.SCALED_DOWN, StopReason.GANG);
    assertThat(e.snapshot().workloads().get("data/train").placed()).hasSize(2);
  }

  @Test
  void reviveWaitsForTheNextTick() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    settle(e);
    e.revive("marathon");
    assertThat(e.allocator().outstandingOffers()).as("no cycle until the tick").isEmpty();
    assertThat(e.settled()).isFalse();
  }

  @Test
  void aWorkloadOfAnUnknownFrameworkIsRefused() {
    Engine e = engine(a1);
    assertThatThrownBy(() -> e.upsert(web(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown framework marathon");
  }

  @Test
  void removingAFrameworkDeletesItsWorkloads() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(2));
    settle(e);
    e.removeFramework("marathon");
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).hasSize(2).allMatch(s -> s.reason() == StopReason.DELETED);
    assertThat(e.allocator().usage(a1.id()).allocated().isEmpty()).isTrue();
    assertThat(e.snapshot().frameworks()).doesNotContainKey("marathon");
  }

  @Test
  void theSnapshotCountsEveryInstanceOnceAndThePoolsAddUp() {
    Engine e = engine(a1, a2, c1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(10)); // 20 cores of 24
    settle(e);
    EngineSnapshot s = e.snapshot();
    WorkloadView v = s.workloads().get("shop/web");
    assertThat(v.placed().size() + v.pending().size()).isEqualTo(10);
    assertThat(v.placed()).hasSize(10);
    Resources placed = s.pools().values().stream().map(EngineSnapshot.PoolView::placed).reduce(Resources::plus).orElseThrow();
    assertThat(placed).isEqualTo(res(20, 40));
    Resources capacity = s.pools().values().stream().map(EngineSnapshot.PoolView::capacity).reduce(Resources::plus).orElseThrow();
    assertThat(capacity).isEqualTo(res(24, 96));
    assertThat(s.frameworks().get("marathon").pendingInstances()).isZero();
    assertThat(s.settled()).isTrue();
  }

  /**
   * The snapshot is immutable and published whole: a reader on another thread never sees a
   * workload with more or fewer instances than it lists, while the engine places and stops them.
   */
  @Test
  void theSnapshotIsConsistentForAReaderOnAnotherThread() throws Exception {
    Engine e = engine(a1, a2, c1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    AtomicReference<String> broken = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    Thread reader = new Thread(() -> {
      while (!done.get() && broken.get() == null) {
        for (WorkloadView v : e.snapshot().workloads().values()) {
          if (v.placed().size() + v.pending().size() != v.instances()) {
            broken.set(v.key() + ": " + v.placed().size() + " placed + " + v.pending().size() + " pending of " + v.instances());
          }
        }
      }
    });
    reader.start();
    try {
      for (int n = 1; n <= 40; n++) {
        e.upsert(web(n % 11));
        settle(e);
      }
    } finally {
      done.set(true);
      reader.join(10_000);
    }
    assertThat(broken.get()).isNull();
    assertThatThrownBy(() -> e.snapshot().workloads().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  /**
   * Restoring from the recorded placements (what the operator reads back from Workload statuses
   * after a restart) gives back the allocator state that made them: every agent's allocation, every
   * framework's shares, every role's guarantee and limit room; and the restored engine has nothing
   * to change.
   */
  @Test
  void restoringTheRecordedPlacementsGivesBackTheAllocatorStateExactly() {
    for (long seed = 1; seed <= 12; seed++) {
      Estate original = Estate.random(seed);
      Engine first = original.build();
      settle(first);
      // Offers a holding gang keeps are not placements: take them back before comparing.
      first.allocator().outstandingOffers().forEach(o -> first.allocator().rescind(o.id()));

      Engine second = Estate.random(seed).build();
      for (WorkloadView v : first.snapshot().workloads().values()) {
        for (Placed p : v.placed()) {
          Assignment a = p.assignment();
          second.restore(new RecordedPlacement(a.instanceId(), a.workloadKey(), a.agentId(), a.resources(), a.revocable(), p.reserved()));
        }
      }
      String as = "seed " + seed;
      for (AgentInfo a : original.agents) {
        assertThat(second.allocator().usage(a.id())).as(as + " " + a.id()).isEqualTo(first.allocator().usage(a.id()));
      }
      for (String fw : original.frameworks.keySet()) {
        assertThat(second.allocator().share(fw)).as(as + " share of " + fw).isEqualTo(first.allocator().share(fw));
        assertThat(second.allocator().weightedShare(fw)).as(as).isEqualTo(first.allocator().weightedShare(fw));
      }
      for (String role : original.roles()) {
        assertThat(second.allocator().guaranteeShortfall(role)).as(as + " " + role).isEqualTo(first.allocator().guaranteeShortfall(role));
        assertThat(second.allocator().limitRoom(role)).as(as + " " + role).isEqualTo(first.allocator().limitRoom(role));
      }
      for (var p : first.allocator().placements()) {
        assertThat(second.allocator().placementReservations(p.instanceId())).as(as + " " + p.instanceId())
            .isEqualTo(first.allocator().placementReservations(p.instanceId()));
      }
      List<Tick> after = settle(second);
      assertThat(stopped(after)).as(as + ": the restored engine stops nothing").isEmpty();
      assertThat(placed(after)).as(as + ": nothing placeable was left pending by the first").isEmpty();
    }
  }

  /** A small seeded estate with reservations, nested roles, quotas and borrowing. */
  private static final class Estate {
    final List<AgentInfo> agents = new ArrayList<>();
    final Map<String, FrameworkInfo> frameworks = new TreeMap<>();
    final Map<String, Quota> quotas = new TreeMap<>();
    final List<WorkloadDemand> workloads = new ArrayList<>();
    final long seed;

    private Estate(long seed) {
      this.seed = seed;
    }

    static Estate random(long seed) {
      java.util.Random r = new java.util.Random(seed);
      Estate e = new Estate(seed);
      String[] roles = {"eng", "eng/batch", "eng/web", "data"};
      for (int i = 0; i < 6 + r.nextInt(6); i++) {
        Map<String, Resources> reservations = new TreeMap<>();
        if (r.nextInt(3) == 0) {
          reservations.put(roles[r.nextInt(roles.length)], res(2 + r.nextInt(3), 4 + r.nextInt(8)));
        }
        e.agents.add(new AgentInfo("p/n" + i, i % 2 == 0 ? "metal" : "cloud",
            Map.of("hostname", "n" + i, "zone", "z" + (i % 3)), res(8 + 4 * r.nextInt(3), 32), reservations));
      }
      for (int i = 0; i < roles.length; i++) {
        e.frameworks.put("fw" + i, new FrameworkInfo("fw" + i, roles[i], r.nextBoolean(), Duration.ofSeconds(2), null));
      }
      e.quotas.put("eng/batch", Quota.guarantee(Map.of("cpu", 4000L + 1000L * r.nextInt(4))));
      e.quotas.put("data", new Quota(Map.of(), Map.of("cpu", 10_000L + 2000L * r.nextInt(5))));
      for (int w = 0; w < 8; w++) {
        String fw = "fw" + r.nextInt(roles.length);
        WorkloadDemand.Builder b = WorkloadDemand.builder("ns/w" + w, fw, res(1 + r.nextInt(3), 1 + r.nextInt(6)))
            .instances(1 + r.nextInt(6)).created(w);
        if (r.nextInt(4) == 0) {
          b.constraint(Constraint.of("zone", Constraint.Operator.GROUP_BY));
        }
        if (e.frameworks.get(fw).revocable()) {
          b.revocableOk();
        }
        e.workloads.add(b.build());
      }
      return e;
    }

    List<String> roles() {
      return List.of("eng", "eng/batch", "eng/web", "data");
    }

    Engine build() {
      Engine engine = new Engine(SCHEMA, Prices.NONE, INTERVAL, seed, Instant.EPOCH);
      agents.forEach(engine::addAgent);
      frameworks.values().forEach(engine::addFramework);
      quotas.forEach(engine::setQuota);
      workloads.forEach(engine::upsert);
      return engine;
    }
  }

  @Test
  void aRestoreNamesWhatItDoesNotKnow() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(1));
    assertThatThrownBy(() -> e.restore(new RecordedPlacement("web-9", "shop/web", a1.id(), res(2, 4), false, null)))
        .hasMessageContaining("no workload shop/web lists instance web-9");
    assertThatThrownBy(() -> e.restore(new RecordedPlacement("web-0", "shop/web", "metal/gone", res(2, 4), false, null)))
        .hasMessageContaining("unknown agent metal/gone");
  }

  @Test
  void aWorkloadWaitingForRoomSaysWhy() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(WorkloadDemand.builder("shop/big", "marathon", res(16, 4)).instances(1).build());
    settle(e);
    assertThat(e.snapshot().workloads().get("shop/big").pending()).singleElement()
        .satisfies(u -> assertThat(u.reason().code()).isEqualTo(Reason.Code.INSUFFICIENT_RESOURCES));
  }

  @Test
  void aNodeThatGrowsKeepsItsInstancesAndTakesMore() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(6)); // 12 cores wanted, 8 there
    settle(e);
    assertThat(e.snapshot().workloads().get("shop/web").placed()).hasSize(4);

    e.updateAgent(node("metal", "a1", 16, 64, "zone", "z1"));
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).as("an update is not a remove and add").isEmpty();
    assertThat(placed(ticks)).hasSize(2);
    assertThat(e.snapshot().workloads().get("shop/web").pending()).isEmpty();
    assertThat(e.snapshot().pools().get("metal").capacity()).isEqualTo(res(16, 64));
  }

  @Test
  void aNodeThatShrinksBelowItsInstancesKeepsThemAndOffersNothing() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(4));
    settle(e);
    e.updateAgent(node("metal", "a1", 4, 16, "zone", "z1"));
    e.upsert(WorkloadDemand.builder("shop/cache", "marathon", res(1, 1)).instances(1).build());
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).isEmpty();
    assertThat(placed(ticks)).isEmpty();
    assertThat(e.snapshot().workloads().get("shop/web").placed()).hasSize(4);
    assertThat(e.allocator().usage(a1.id()).free().isEmpty()).isTrue();
    assertThat(e.snapshot().pools().get("metal").available().isEmpty()).isTrue();
  }

  @Test
  void aNodeWhoseAttributesChangeIsCountedByItsNewValues() {
    // Both nodes in zone z1: one instance per zone leaves the second pending.
    AgentInfo x = node("metal", "x", 8, 32, "zone", "z1");
    AgentInfo y = node("metal", "y", 8, 32, "zone", "z1");
    Engine e = engine(x, y);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(2)
        .constraint(Constraint.of("zone", Constraint.Operator.UNIQUE)).build());
    settle(e);
    List<Placed> placedBefore = e.snapshot().workloads().get("shop/web").placed();
    assertThat(placedBefore).hasSize(1);
    String on = placedBefore.get(0).assignment().agentId();
    String other = on.equals(x.id()) ? y.id() : x.id();

    // The node with the instance moves to zone z2: the instance runs there now, so z1 is free.
    e.updateAgent(node("metal", on.substring("metal/".length()), 8, 32, "zone", "z2"));
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).isEmpty();
    assertThat(placed(ticks)).singleElement().satisfies(a -> assertThat(a.agentId()).isEqualTo(other));
  }

  @Test
  void aFrameworkThatStopsTakingRevocableCapacityKeepsWhatRuns() {
    Engine e = engine(a1);
    e.addFramework(new FrameworkInfo("spark", "analytics", true, Duration.ofSeconds(1), null));
    e.upsert(WorkloadDemand.builder("data/etl", "spark", res(2, 4)).instances(2).revocableOk().build());
    settle(e);
    e.updateFramework(new FrameworkInfo("spark", "analytics", false, Duration.ofSeconds(3), null));
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).isEmpty();
    assertThat(e.snapshot().workloads().get("data/etl").placed()).hasSize(2);
  }

  @Test
  void aFrameworkMovingToAnotherRoleIsPlacedAgainUnderIt() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("spark", "analytics"));
    e.setQuota("analytics", Quota.guarantee(Map.of("cpu", 2000L)));
    e.upsert(WorkloadDemand.builder("data/etl", "spark", res(2, 4)).instances(2).build());
    settle(e);
    e.updateFramework(FrameworkInfo.of("spark", "batch"));
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).hasSize(2).allMatch(s -> s.reason() == StopReason.ROLE_CHANGED);
    assertThat(placed(ticks)).hasSize(2);
    assertThat(e.snapshot().frameworks().get("spark").role()).isEqualTo("batch");
    // The old role had no framework left: its guarantee went with it.
    assertThat(e.allocator().guaranteeMet("analytics")).isTrue();
    assertThat(e.allocator().guaranteeShortfall("analytics").isEmpty()).isTrue();
  }

  @Test
  void removingTheLastFrameworkOfARoleDropsItsQuota() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("spark", "analytics"));
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.setQuota("analytics", Quota.guarantee(Map.of("cpu", 6000L)));
    e.upsert(web(4));
    settle(e);
    // analytics holds back headroom for its guarantee: web gets 2 cores of 8 at most.
    assertThat(e.snapshot().workloads().get("shop/web").placed()).hasSize(1);
    e.removeFramework("spark");
    settle(e);
    assertThat(e.snapshot().workloads().get("shop/web").placed()).hasSize(4);
  }

  /**
   * The resource schema grows at run time: a guarantee of GPUs no node has yet stays unmet (it is
   * not dropped); a GPU node that joins later is taken in, and a workload asking for GPUs is placed
   * there, while what ran before keeps running.
   */
  @Test
  void aNewExtendedResourceIsTakenInWithoutARebuild() {
    Engine e = engine(a1);
    e.addFramework(FrameworkInfo.of("ml", "ml"));
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(2));
    settle(e);
    e.setQuota("ml", Quota.guarantee(Map.of("nvidia.com/gpu", 2L)));
    settle(e);
    assertThat(e.allocator().guaranteeMet("ml")).as("a guarantee of a resource no node has is unmet").isFalse();
    assertThat(e.allocator().guaranteeShortfall("ml").get("nvidia.com/gpu")).isEqualTo(2);

    var wider = e.schema();
    assertThat(wider.contains("nvidia.com/gpu")).isTrue();
    AgentInfo gpuNode = new AgentInfo("metal/g1", "metal", Map.of("hostname", "g1"),
        Resources.of(wider, "cpu", 16_000, "memory", 64L << 30, "nvidia.com/gpu", 4), Map.of());
    e.addAgent(gpuNode);
    e.upsert(WorkloadDemand.builder("ml/train", "ml", Resources.of(wider, "cpu", 4_000, "memory", 8L << 30, "nvidia.com/gpu", 1))
        .instances(2).build());
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).isEmpty();
    assertThat(placed(ticks)).hasSize(2).allMatch(a -> a.agentId().equals("metal/g1"));
    assertThat(e.allocator().guaranteeMet("ml")).isTrue();
    assertThat(e.snapshot().workloads().get("shop/web").placed()).hasSize(2)
        .allSatisfy(p -> assertThat(p.assignment().resources().get("nvidia.com/gpu")).isZero());
    assertThat(e.snapshot().pools().get("metal").capacity().get("nvidia.com/gpu")).isEqualTo(4);
  }

  /**
   * A gang the estate can never hold whole (three instances on distinct hosts, two hosts) declines
   * what it is offered. Were it offered again on every cycle, its offer would take its line's whole
   * limit room each time (its filters expiring in turn on the two hosts), and a framework sharing
   * that limit would never be offered anything: the engine would settle with an instance that
   * fits left pending. Found by {@link EngineEventsProperties}.
   */
  @Test
  void aGangThatCannotCompleteDoesNotStarveItsLineUnderALimit() {
    for (long seed = 1; seed <= 8; seed++) {
      Engine e = new Engine(SCHEMA, Prices.NONE, INTERVAL, seed, now);
      e.addAgent(a1);
      e.addAgent(a2);
      e.addFramework(new FrameworkInfo("fw0", "eng", false, Duration.ofSeconds(2), null));
      e.addFramework(new FrameworkInfo("fw1", "eng/batch", false, Duration.ofSeconds(2), null));
      e.setQuota("eng", Quota.limit(Map.of("cpu", 6000L)));
      // fw1 runs 5 of the line's 6 cores: its 2-core job waits for the limit.
      e.upsert(WorkloadDemand.builder("data/base", "fw1", res(1, 1)).instances(2).build());
      e.upsert(WorkloadDemand.builder("data/filler", "fw1", res(3, 1)).instances(1).build());
      settle(e);
      e.upsert(WorkloadDemand.builder("data/job", "fw1", res(2, 1)).instances(1).build());
      // fw0 (the smaller share, so offered first) has a gang the two hosts can never hold whole.
      e.upsert(WorkloadDemand.builder("ml/gang", "fw0", res(1, 1)).instances(3).gang()
          .constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE)).build());
      settle(e);
      assertThat(e.snapshot().workloads().get("data/job").placed()).as("seed " + seed).isEmpty();
      // The filler ends: the line has 3 cores of room, enough for the job.
      e.delete("data/filler");
      List<Tick> ts = settle(e);
      assertThat(e.placeablePending()).as("seed " + seed).isEmpty();
      assertThat(placed(ts)).as("seed " + seed).extracting(Assignment::instanceId).containsExactly("job-0");
      assertThat(e.snapshot().workloads().get("ml/gang").pending()).hasSize(3)
          .allSatisfy(u -> assertThat(u.reason().code()).isEqualTo(Reason.Code.GANG));
    }
  }

  @Test
  void aGangResizedIsPlacedAgainWhole() {
    Engine e = engine(a1, a2);
    e.addFramework(FrameworkInfo.of("spark", "analytics"));
    e.upsert(WorkloadDemand.builder("data/train", "spark", res(2, 4)).instances(2).gang().build());
    settle(e);
    e.upsert(WorkloadDemand.builder("data/train", "spark", res(2, 4)).instances(3).gang().build());
    List<Tick> ticks = settle(e);
    assertThat(stopped(ticks)).hasSize(2).allMatch(s -> s.reason() == StopReason.GANG);
    assertThat(placed(ticks)).hasSize(3);
  }

  /** The offer breadth the engine sets: enough choice per pending instance, never every agent of a large estate. */
  @Test
  void theOfferBreadthGrowsWithThePendingInstancesAndSaturates() {
    assertThat(DemandBook.offerBreadth(0)).isEqualTo(256);
    assertThat(DemandBook.offerBreadth(10)).isEqualTo(256);
    assertThat(DemandBook.offerBreadth(100)).isEqualTo(800);
    assertThat(DemandBook.offerBreadth(Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
  }

  /**
   * On an estate larger than the breadth (600 agents, 256 offers at most), a framework wanting one
   * instance still places it in the first tick, and a later one in the next, although the agents it
   * declined are filtered (the bound itself: {@code OfferBreadthScenarioTest}).
   */
  @Test
  void onALargeEstateAFrameworkIsOfferedABoundedNumberOfAgents() {
    Engine e = new Engine(SCHEMA, Prices.NONE, INTERVAL, 3, now);
    for (int i = 0; i < 600; i++) {
      e.addAgent(node("metal", "n" + i, 8, 32));
    }
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(web(1));
    Tick t = tick(e);
    assertThat(t.placed()).hasSize(1);
    assertThat(e.allocator().outstandingOffers()).isEmpty();
    e.upsert(WorkloadDemand.builder("shop/cache", "marathon", res(1, 1)).instances(1).build());
    Tick second = tick(e);
    assertThat(second.placed()).hasSize(1);
  }
}
