package io.poolbridge.engine;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolbridge.allocator.AgentInfo;
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
 * Instances that end by themselves: a Service kept running with Marathon's relaunch and the
 * kubelet's crash-loop back-off (10 s, doubling, at most 5 minutes, reset by a run of 10 minutes),
 * a Job run to completion with Metronome's/Kubernetes' retries and deadline. Times are driven by the
 * test, never by the wall clock.
 */
class EngineLifecycleTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final AgentInfo a1 = node("metal", "a1", 8, 32, "zone", "z1");
  private final AgentInfo a2 = node("metal", "a2", 8, 32, "zone", "z2");
  private Instant now = Instant.parse("2026-12-01T00:00:00Z");

  private Engine engine() {
    Engine e = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of()), INTERVAL, 7, now);
    e.addAgent(a1);
    e.addAgent(a2);
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    return e;
  }

  /** Ticks once, {@code step} later, committing what it placed. */
  private Tick tick(Engine e, Duration step) {
    now = now.plus(step);
    Tick t = e.tick(now);
    t.placed().forEach(a -> e.commit(a.instanceId()));
    return t;
  }

  /** Ticks a second at a time for {@code span}; the placements made, in order. */
  private List<Assignment> run(Engine e, Duration span) {
    List<Assignment> placed = new ArrayList<>();
    for (long s = 0; s < span.toSeconds(); s++) {
      placed.addAll(tick(e, INTERVAL).placed());
    }
    return placed;
  }

  private static WorkloadDemand service(int instances) {
    return WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(instances).build();
  }

  private static WorkloadDemand job(int instances) {
    return WorkloadDemand.builder("shop/report", "marathon", res(2, 4)).instances(instances).kind(WorkloadKind.JOB).build();
  }

  private static EngineSnapshot.WorkloadView viewOf(Engine e, String key) {
    return e.publish().workloads().get(key);
  }

  private static Duration secs(long s) {
    return Duration.ofSeconds(s);
  }

  @Test
  void aFailedServiceInstanceIsReleasedAtOnceAndPlacedAgainAfterTenSeconds() {
    Engine e = engine();
    e.upsert(service(2));
    assertThat(run(e, secs(3))).hasSize(2);

    assertThat(e.exited("web-1", Exit.FAILED, now, "exit code 1")).isTrue();
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).singleElement().satisfies(s -> {
      assertThat(s.instanceId()).isEqualTo("web-1");
      assertThat(s.reason()).isEqualTo(StopReason.EXITED);
      assertThat(s.message()).isEqualTo("failed (exit code 1): placed again after a back-off of 10 s");
    });
    // Its resources are free at once: the node's placed figures drop.
    assertThat(e.publish().frameworks().get("marathon").placed()).isEqualTo(res(2, 4));
    EngineSnapshot.WorkloadView v = viewOf(e, "shop/web");
    assertThat(v.placed()).hasSize(1);
    assertThat(v.pending()).as("held back, not pending").isEmpty();
    assertThat(v.life("web-1").restarts()).isEqualTo(1);
    assertThat(v.life("web-1").backingOff(now)).isTrue();
    assertThat(e.placeablePending()).isEmpty();

    // Not placed during the back-off (it ended 1 s ago: 8 more seconds), placed at 10 s.
    assertThat(run(e, secs(8))).isEmpty();
    List<Assignment> again = run(e, secs(2));
    assertThat(again).extracting(Assignment::instanceId).containsExactly("web-1");
    assertThat(viewOf(e, "shop/web").life("web-1").backingOff(now)).isFalse();
    assertThat(viewOf(e, "shop/web").life("web-1").restarts()).isEqualTo(1);
  }

  @Test
  void theBackOffDoublesUpToFiveMinutesAndALongRunResetsIt() {
    Engine e = engine();
    e.upsert(service(1));
    run(e, secs(2));
    // Failing at once, every time: 10, 20, 40, 80, 160, 300, 300 s.
    long[] expected = {10, 20, 40, 80, 160, 300, 300};
    for (int i = 0; i < expected.length; i++) {
      Instant failedAt = now;
      e.exited("web-0", Exit.FAILED, failedAt, "exit code 2");
      Instant until = viewOf(e, "shop/web").life("web-0").heldUntil();
      assertThat(Duration.between(failedAt, until)).as("back-off after failure %d", i + 1).isEqualTo(secs(expected[i]));
      assertThat(viewOf(e, "shop/web").life("web-0").failuresInRow()).isEqualTo(i + 1);
      List<Assignment> placed = run(e, secs(expected[i] + 1));
      assertThat(placed).hasSize(1);
    }
    // A run of 10 minutes: the next failure backs off 10 s again.
    run(e, Duration.ofMinutes(10));
    Instant failedAt = now;
    e.exited("web-0", Exit.FAILED, failedAt, "exit code 2");
    assertThat(Duration.between(failedAt, viewOf(e, "shop/web").life("web-0").heldUntil())).isEqualTo(secs(10));
    assertThat(viewOf(e, "shop/web").life("web-0").restarts()).isEqualTo(expected.length + 1);
  }

  @Test
  void aServiceInstanceRemovedFromOutsideIsReplacedAtOnceWithoutCountingAFailure() {
    Engine e = engine();
    e.upsert(service(1));
    run(e, secs(2));
    e.exited("web-0", Exit.KILLED, now, "its Pod was deleted");
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).singleElement().extracting(Stopped::message).isEqualTo("removed (its Pod was deleted): placed again");
    assertThat(t.placed()).extracting(Assignment::instanceId).containsExactly("web-0");
    InstanceLife life = viewOf(e, "shop/web").life("web-0");
    assertThat(life.restarts()).isEqualTo(1);
    assertThat(life.failuresInRow()).isZero();
  }

  @Test
  void anExitOfAnInstanceThatIsNotRunningChangesNothing() {
    Engine e = engine();
    e.upsert(service(1));
    run(e, secs(2));
    e.exited("web-0", Exit.FAILED, now, "exit code 1");
    assertThat(e.exited("web-0", Exit.FAILED, now, "exit code 1")).as("reported twice").isFalse();
    assertThat(e.exited("nope-0", Exit.FAILED, now, "x")).isFalse();
    assertThat(viewOf(e, "shop/web").life("web-0").restarts()).isEqualTo(1);
  }

  @Test
  void aJobSucceedsWhenEveryInstanceDidAndItsCapacityGoesToOthers() {
    Engine e = engine();
    e.upsert(job(3));
    assertThat(run(e, secs(2))).hasSize(3);
    e.exited("report-0", Exit.SUCCEEDED, now, "exit code 0");
    e.exited("report-2", Exit.SUCCEEDED, now, "exit code 0");
    run(e, secs(30));
    EngineSnapshot.WorkloadView v = viewOf(e, "shop/report");
    assertThat(v.placed()).extracting(p -> p.assignment().instanceId()).containsExactly("report-1");
    assertThat(v.job().phase()).isEqualTo(JobLife.Phase.RUNNING);
    assertThat(v.job().succeeded()).isEqualTo(2);

    e.exited("report-1", Exit.SUCCEEDED, now, "exit code 0");
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).singleElement().extracting(Stopped::message).isEqualTo("ended (exit code 0): done");
    v = viewOf(e, "shop/report");
    assertThat(v.job().phase()).isEqualTo(JobLife.Phase.SUCCEEDED);
    assertThat(v.job().reason()).isEqualTo(JobLife.COMPLETE);
    assertThat(v.job().endedAt()).isEqualTo(now.minus(INTERVAL));
    assertThat(v.placed()).isEmpty();
    assertThat(v.pending()).isEmpty();
    assertThat(e.publish().frameworks().get("marathon").pendingInstances()).isZero();
    assertThat(run(e, secs(60))).as("a finished Job is never placed again").isEmpty();
    assertThat(e.settled()).isTrue();

    // Its 6 cpu went back: a Service of 8 × 2 cpu fits on the two 8-cpu nodes.
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(8).build());
    assertThat(run(e, secs(3))).hasSize(8);
  }

  @Test
  void aJobRetriesWithinItsBackoffLimitThenFailsAndStopsItsOtherInstances() {
    Engine e = engine();
    e.upsert(job(2));
    e.setJobPolicy("shop/report", new JobPolicy(1, null));
    run(e, secs(2));
    e.exited("report-0", Exit.FAILED, now, "exit code 3");
    assertThat(viewOf(e, "shop/report").job().failures()).isEqualTo(1);
    assertThat(run(e, secs(9))).isEmpty();
    assertThat(run(e, secs(2))).extracting(Assignment::instanceId).containsExactly("report-0");

    e.exited("report-0", Exit.FAILED, now, "exit code 3");
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).extracting(Stopped::instanceId, Stopped::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("report-0", StopReason.EXITED),
        org.assertj.core.groups.Tuple.tuple("report-1", StopReason.JOB_FAILED));
    EngineSnapshot.WorkloadView v = viewOf(e, "shop/report");
    assertThat(v.job().phase()).isEqualTo(JobLife.Phase.FAILED);
    assertThat(v.job().reason()).isEqualTo(JobLife.BACKOFF_LIMIT_EXCEEDED);
    assertThat(v.job().message()).isEqualTo(
        "the Job failed 2 time(s), more than its backoffLimit of 1; last: report-0 exit code 3");
    assertThat(v.placed()).isEmpty();
    assertThat(v.pending()).isEmpty();
    assertThat(run(e, secs(400))).as("a failed Job is never placed again").isEmpty();
  }

  @Test
  void aJobPastItsActiveDeadlineFailsCountingFromWhenItWasTakenIn() {
    Engine e = engine();
    e.upsert(job(1));
    e.setJobPolicy("shop/report", new JobPolicy(3, secs(60)));
    Instant start = now;
    run(e, secs(59));
    assertThat(viewOf(e, "shop/report").job().phase()).isEqualTo(JobLife.Phase.RUNNING);
    Tick t = tick(e, INTERVAL);
    assertThat(now).isEqualTo(start.plusSeconds(60));
    assertThat(t.stopped()).singleElement().satisfies(s -> {
      assertThat(s.reason()).isEqualTo(StopReason.JOB_FAILED);
      assertThat(s.message()).isEqualTo("stopped: the Job ran past its activeDeadlineSeconds of 60");
    });
    assertThat(viewOf(e, "shop/report").job().reason()).isEqualTo(JobLife.DEADLINE_EXCEEDED);
  }

  @Test
  void aRestoredHistoryKeepsTheBackOffAndAFinishedJobStaysFinished() {
    Engine e = engine();
    e.upsert(service(1));
    e.restoreLife("shop/web", "web-0", new InstanceLife(4, 4, Exit.FAILED, now, "exit code 1", now.plusSeconds(80), false));
    e.upsert(job(2));
    e.restoreJob("shop/report", new JobLife(JobLife.Phase.SUCCEEDED, now.minusSeconds(600), 2, 0, now.minusSeconds(5),
        JobLife.COMPLETE, "all 2 instance(s) ran to completion"));
    e.restoreLife("shop/report", "report-0", new InstanceLife(0, 0, Exit.SUCCEEDED, now, "exit code 0", null, true));
    e.restoreLife("shop/report", "report-1", new InstanceLife(0, 0, Exit.SUCCEEDED, now, "exit code 0", null, true));
    assertThat(run(e, secs(79))).isEmpty();
    assertThat(run(e, secs(2))).extracting(Assignment::instanceId).containsExactly("web-0");
    assertThat(run(e, secs(30))).isEmpty();
    assertThat(viewOf(e, "shop/web").life("web-0").restarts()).isEqualTo(4);
  }

  @Test
  void scalingDownForgetsAHeldInstanceAndScalingUpStartsItFresh() {
    Engine e = engine();
    e.upsert(service(2));
    run(e, secs(2));
    e.exited("web-1", Exit.FAILED, now, "exit code 1");
    e.upsert(service(1));
    run(e, secs(2));
    assertThat(viewOf(e, "shop/web").lives()).isEmpty();
    e.upsert(service(2));
    assertThat(run(e, secs(2))).extracting(Assignment::instanceId).containsExactly("web-1");
  }

  @Test
  void aFailedGangMemberStopsItsGangWhichWaitsForTheBackOffToBePlacedWholeAgain() {
    Engine e = engine();
    e.upsert(WorkloadDemand.builder("shop/mpi", "marathon", res(2, 4)).instances(2).gang().build());
    assertThat(run(e, secs(3))).hasSize(2);
    e.exited("mpi-0", Exit.FAILED, now, "exit code 1");
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).extracting(Stopped::reason).containsExactly(StopReason.EXITED, StopReason.GANG);
    assertThat(run(e, secs(8))).as("the gang cannot complete while one member backs off").isEmpty();
    assertThat(run(e, secs(3))).extracting(Assignment::instanceId).containsExactlyInAnyOrder("mpi-0", "mpi-1");
  }

  @Test
  void aGangJobRetriesAFailedMemberAlongsideTheOnesThatAreDone() {
    Engine e = engine();
    e.upsert(WorkloadDemand.builder("shop/mpi", "marathon", res(2, 4)).instances(3).gang().kind(WorkloadKind.JOB).build());
    assertThat(run(e, secs(3))).hasSize(3);
    e.exited("mpi-0", Exit.SUCCEEDED, now, "exit code 0");
    run(e, secs(2));
    assertThat(viewOf(e, "shop/mpi").placed()).as("a member that is done does not stop its gang").hasSize(2);
    e.exited("mpi-1", Exit.FAILED, now, "exit code 1");
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).extracting(Stopped::instanceId).containsExactly("mpi-1", "mpi-2");
    assertThat(run(e, secs(8))).isEmpty();
    assertThat(run(e, secs(3))).extracting(Assignment::instanceId).containsExactlyInAnyOrder("mpi-1", "mpi-2");
  }

  @Test
  void aScheduledJobWaitsForItsRunAndEachRunStartsAfresh() {
    Engine e = engine();
    e.upsert(job(2));
    e.setJobPolicy("shop/report", new JobPolicy(0, null, true));
    assertThat(run(e, secs(30))).as("nothing runs before the first scheduled run").isEmpty();
    assertThat(viewOf(e, "shop/report").job().phase()).isEqualTo(JobLife.Phase.WAITING);
    assertThat(e.publish().frameworks().get("marathon").pendingInstances()).isZero();
    assertThat(e.settled()).isTrue();

    e.startRun("shop/report", now, "replaced");
    assertThat(run(e, secs(2))).hasSize(2);
    e.exited("report-0", Exit.SUCCEEDED, now, "exit code 0");
    e.exited("report-1", Exit.FAILED, now, "exit code 1");
    run(e, secs(2));
    EngineSnapshot.WorkloadView v = viewOf(e, "shop/report");
    assertThat(v.job().phase()).as("backoffLimit 0: the first failure fails the run").isEqualTo(JobLife.Phase.FAILED);

    // The next run: no failure carried over, both instances placed again.
    Instant second = now;
    e.startRun("shop/report", second, "replaced");
    assertThat(run(e, secs(2))).hasSize(2);
    v = viewOf(e, "shop/report");
    assertThat(v.job().phase()).isEqualTo(JobLife.Phase.RUNNING);
    assertThat(v.job().startedAt()).isEqualTo(second);
    assertThat(v.job().failures()).isZero();
    assertThat(v.lives()).isEmpty();

    // A run started while one goes on replaces it.
    e.startRun("shop/report", now, "replaced by the run scheduled at 02:00");
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).extracting(Stopped::reason).containsOnly(StopReason.REPLACED);
    assertThat(t.stopped()).hasSize(2);
    assertThat(t.placed()).hasSize(2);
  }

  /** A Job whose runs may overlap: {@code instances} per run, {@code lanes} lanes listed. */
  private static WorkloadDemand overlapping(int instances, int lanes) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < instances * lanes; i++) {
      ids.add("report-" + i);
    }
    return WorkloadDemand.builder("shop/report", "marathon", res(2, 4)).instanceIds(ids).kind(WorkloadKind.JOB).build();
  }

  @Test
  void underAllowARunStartsAlongsideTheOneGoingOnAndEachEndsOnItsOwn() {
    Engine e = engine();
    e.upsert(overlapping(2, 1));
    e.setJobPolicy("shop/report", new JobPolicy(0, secs(600), true, 2));
    e.startRunAlongside("shop/report", 0, now);
    assertThat(run(e, secs(2))).extracting(Assignment::instanceId).containsExactlyInAnyOrder("report-0", "report-1");
    Instant firstStart = now.minus(secs(2));

    // The next run is due while the first goes on: its lane's instances are listed, held until it starts.
    e.upsert(overlapping(2, 2));
    assertThat(run(e, secs(2))).as("lane 1 waits for its run").isEmpty();
    assertThat(e.placeablePending()).isEmpty();
    Instant secondStart = now;
    e.startRunAlongside("shop/report", 1, secondStart);
    assertThat(run(e, secs(2))).extracting(Assignment::instanceId).containsExactlyInAnyOrder("report-2", "report-3");
    EngineSnapshot.WorkloadView v = viewOf(e, "shop/report");
    assertThat(v.runs()).containsOnlyKeys(0, 1);
    assertThat(v.runs().get(0).running()).isTrue();
    assertThat(v.runs().get(1).running()).isTrue();
    assertThat(v.job().startedAt()).as("the status shows the newest run").isEqualTo(secondStart);
    assertThatThrownBy(() -> e.startRunAlongside("shop/report", 1, now)).hasMessageContaining("still goes on");

    // The second run fails (backoffLimit 0): only its own instances stop; the first goes on.
    e.exited("report-3", Exit.FAILED, now, "exit code 1");
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).extracting(Stopped::instanceId).containsExactlyInAnyOrder("report-3", "report-2");
    v = viewOf(e, "shop/report");
    assertThat(v.runs().get(1).phase()).isEqualTo(JobLife.Phase.FAILED);
    assertThat(v.runs().get(0).phase()).isEqualTo(JobLife.Phase.RUNNING);
    assertThat(v.placed()).extracting(p -> p.assignment().instanceId()).containsExactlyInAnyOrder("report-0", "report-1");

    // The first succeeds when its own two did, whatever the other lane did.
    e.exited("report-0", Exit.SUCCEEDED, now, "exit code 0");
    e.exited("report-1", Exit.SUCCEEDED, now, "exit code 0");
    run(e, secs(1));
    v = viewOf(e, "shop/report");
    assertThat(v.runs().get(0).phase()).isEqualTo(JobLife.Phase.SUCCEEDED);
    assertThat(v.runs().get(0).startedAt()).isEqualTo(firstStart);
    assertThat(v.runs().get(0).succeeded()).isEqualTo(2);
    assertThat(e.placeablePending()).isEmpty();

    // Lane 1 released (listed no more): its run is forgotten, and lane 0's stays.
    e.upsert(overlapping(2, 1));
    assertThat(viewOf(e, "shop/report").runs()).containsOnlyKeys(0);
  }

  @Test
  void eachOverlappingRunHasItsOwnDeadlineAndAReplacingRunStopsThemAll() {
    Engine e = engine();
    e.upsert(overlapping(1, 2));
    e.setJobPolicy("shop/report", new JobPolicy(3, secs(60), true, 1));
    assertThat(run(e, secs(2))).as("both lanes wait for a run").isEmpty();
    e.startRunAlongside("shop/report", 0, now);
    run(e, secs(30));
    e.startRunAlongside("shop/report", 1, now);
    run(e, secs(31));
    // 61 s after the first started: it failed on its deadline, the second (31 s old) goes on.
    EngineSnapshot.WorkloadView v = viewOf(e, "shop/report");
    assertThat(v.runs().get(0).phase()).isEqualTo(JobLife.Phase.FAILED);
    assertThat(v.runs().get(0).reason()).isEqualTo(JobLife.DEADLINE_EXCEEDED);
    assertThat(v.runs().get(1).running()).isTrue();
    assertThat(v.placed()).extracting(p -> p.assignment().instanceId()).containsExactly("report-1");

    // Replace: every run going on stops, and the new one runs in lane 0.
    e.startRun("shop/report", now, "replaced by the run scheduled at 02:00");
    Tick t = tick(e, INTERVAL);
    assertThat(t.stopped()).extracting(Stopped::instanceId).containsExactly("report-1");
    assertThat(t.placed()).extracting(Assignment::instanceId).containsExactly("report-0");
    assertThat(viewOf(e, "shop/report").runs()).containsOnlyKeys(0);
  }

  /**
   * Overlapping runs driven at random, for several seeds: runs start in free lanes at random times,
   * instances end at random (succeeded, failed, removed), some runs hit their deadline. At every tick
   * no node is over-committed and only instances of a lane whose run goes on are placed; a run that
   * succeeded had every instance of its lane succeed, one that failed holds nothing; and a run's end
   * never changes another lane's.
   */
  @Test
  void randomOverlappingRunsEachEndOnTheirOwnAndNeverOverCommit() {
    for (long seed : new long[] {3, 11, 64, 2026, 77_777}) {
      java.util.Random random = new java.util.Random(seed);
      now = Instant.parse("2026-12-01T00:00:00Z");
      Engine e = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of()), INTERVAL, seed, now);
      for (int n = 0; n < 4; n++) {
        e.addAgent(node("metal", "n" + n, 4 + random.nextInt(4), 32, "zone", "z" + (n % 2)));
      }
      e.addFramework(FrameworkInfo.of("marathon", "web"));
      int size = 1 + random.nextInt(3);
      int lanes = 2 + random.nextInt(3);
      e.upsert(overlapping(size, lanes));
      e.setJobPolicy("shop/report", new JobPolicy(random.nextInt(3), random.nextBoolean() ? null : secs(20 + random.nextInt(60)), true, size));
      for (int t = 0; t < 400; t++) {
        if (random.nextInt(15) == 0) {
          EngineSnapshot.WorkloadView v = viewOf(e, "shop/report");
          List<Integer> free = new ArrayList<>();
          for (int l = 0; l < lanes; l++) {
            JobLife run = v.runs().get(l);
            if (run == null || !run.running()) {
              free.add(l);
            }
          }
          if (!free.isEmpty()) {
            int lane = free.get(random.nextInt(free.size()));
            java.util.Map<Integer, JobLife> before = new java.util.HashMap<>(v.runs());
            e.startRunAlongside("shop/report", lane, now);
            EngineSnapshot.WorkloadView after = viewOf(e, "shop/report");
            for (var other : before.entrySet()) {
              if (other.getKey() != lane) {
                assertThat(after.runs().get(other.getKey())).as("seed %d: lane %d untouched", seed, other.getKey()).isEqualTo(other.getValue());
              }
            }
          }
        }
        tick(e, INTERVAL);
        EngineSnapshot.WorkloadView v = viewOf(e, "shop/report");
        for (EngineSnapshot.PoolView pool : e.publish().pools().values()) {
          for (EngineSnapshot.NodeView node : pool.agents()) {
            assertThat(node.placed().fitsIn(node.capacity())).as("seed %d: %s over-committed at %s", seed, node.id(), now).isTrue();
          }
        }
        for (EngineSnapshot.Placed p : v.placed()) {
          int lane = Engine.ordinal(p.assignment().instanceId()) / size;
          JobLife run = v.runs().get(lane);
          assertThat(run != null && run.running()).as("seed %d at %s: %s placed, its lane's run %s", seed, now,
              p.assignment().instanceId(), run).isTrue();
        }
        for (var r : v.runs().entrySet()) {
          List<String> ids = new ArrayList<>();
          for (int i = r.getKey() * size; i < (r.getKey() + 1) * size; i++) {
            ids.add("report-" + i);
          }
          if (r.getValue().phase() == JobLife.Phase.SUCCEEDED) {
            assertThat(ids).as("seed %d: lane %d succeeded", seed, r.getKey())
                .allSatisfy(id -> assertThat(v.life(id).lastExit()).isEqualTo(Exit.SUCCEEDED));
          }
          if (ids.stream().allMatch(id -> v.life(id).done() && v.life(id).lastExit() == Exit.SUCCEEDED)) {
            assertThat(r.getValue().phase()).as("seed %d: every instance of lane %d succeeded", seed, r.getKey())
                .isEqualTo(JobLife.Phase.SUCCEEDED);
          }
          if (r.getValue().ended()) {
            assertThat(v.placed()).as("seed %d: lane %d ended", seed, r.getKey())
                .noneMatch(p -> ids.contains(p.assignment().instanceId()));
          }
        }
        if (t % 4 == 0 && !v.placed().isEmpty()) {
          EngineSnapshot.Placed victim = v.placed().get(random.nextInt(v.placed().size()));
          Exit exit = Exit.values()[random.nextInt(Exit.values().length)];
          int lane = Engine.ordinal(victim.assignment().instanceId()) / size;
          java.util.Map<Integer, JobLife> before = new java.util.HashMap<>(v.runs());
          assertThat(e.exited(victim.assignment().instanceId(), exit, now, "exit " + exit)).isTrue();
          EngineSnapshot.WorkloadView after = viewOf(e, "shop/report");
          for (var other : before.entrySet()) {
            if (other.getKey() != lane) {
              assertThat(after.runs().get(other.getKey())).as("seed %d: an exit in lane %d left lane %d alone", seed, lane, other.getKey())
                  .isEqualTo(other.getValue());
            }
          }
        }
      }
      assertThat(e.placeablePending()).as("seed %d", seed).isEmpty();
    }
  }

  /**
   * A hostile run over a generated estate, for several seeds: 12 nodes, Services, Jobs and a gang,
   * instances ending at random (failed, succeeded, killed) every few seconds for ten minutes. At
   * every tick no node holds more than its capacity and no instance backing off is placed before
   * its retry time; once the ends stop and the back-offs are over, nothing placeable is left pending,
   * every Service is whole again and no Job runs an instance twice.
   */
  @Test
  void randomEndsOnAGeneratedEstateNeverOverCommitAndLeaveNothingPlaceablePending() {
    for (long seed : new long[] {1, 7, 42, 2026, 99_991}) {
      java.util.Random random = new java.util.Random(seed);
      now = Instant.parse("2026-12-01T00:00:00Z");
      Engine e = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of()), INTERVAL, seed, now);
      for (int n = 0; n < 12; n++) {
        e.addAgent(node(n < 6 ? "metal" : "cloud", "n" + n, 4 + random.nextInt(5), 32, "zone", "z" + (n % 3)));
      }
      e.addFramework(FrameworkInfo.of("marathon", "web"));
      List<String> keys = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        WorkloadDemand.Builder b = WorkloadDemand.builder("ns/w" + w, "marathon", res(1 + random.nextInt(2), 2))
            .instances(2 + random.nextInt(4));
        if (w % 3 == 1) {
          b.kind(WorkloadKind.JOB);
        }
        if (w == 5) {
          b.gang();
        }
        e.upsert(b.build());
        keys.add("ns/w" + w);
        if (w % 3 == 1) {
          e.setJobPolicy("ns/w" + w, new JobPolicy(20, null));
        }
      }
      java.util.Map<String, Instant> retryAt = new java.util.HashMap<>();
      for (int t = 0; t < 600; t++) {
        Tick tick = tick(e, INTERVAL);
        for (Assignment a : tick.placed()) {
          Instant due = retryAt.remove(a.instanceId());
          assertThat(due == null || !now.isBefore(due)).as("seed %d: %s placed before its retry time %s", seed, a.instanceId(), due)
              .isTrue();
        }
        for (EngineSnapshot.PoolView pool : e.publish().pools().values()) {
          for (EngineSnapshot.NodeView node : pool.agents()) {
            assertThat(node.placed().fitsIn(node.capacity())).as("seed %d: %s over-committed at %s", seed, node.id(), now).isTrue();
          }
        }
        if (t % 3 == 0 && t < 480) {
          List<EngineSnapshot.Placed> running = new ArrayList<>();
          e.publish().workloads().values().forEach(v -> running.addAll(v.placed()));
          if (!running.isEmpty()) {
            EngineSnapshot.Placed victim = running.get(random.nextInt(running.size()));
            Exit exit = Exit.values()[random.nextInt(Exit.values().length)];
            String id = victim.assignment().instanceId();
            assertThat(e.exited(id, exit, now, "exit " + exit)).isTrue();
            EngineSnapshot.WorkloadView v = e.publish().workloads().get(victim.assignment().workloadKey());
            InstanceLife life = v.life(id);
            if (life.heldUntil() != null) {
              retryAt.put(id, life.heldUntil());
            }
          }
        }
      }
      // The ends stopped two minutes ago; the longest back-off is 5 minutes: settle past it.
      run(e, Duration.ofMinutes(6));
      assertThat(e.placeablePending()).as("seed %d", seed).isEmpty();
      for (String key : keys) {
        EngineSnapshot.WorkloadView v = e.publish().workloads().get(key);
        if (v.job() == null) {
          assertThat(v.placed().size() + v.pending().size()).as("seed %d: %s whole", seed, key).isEqualTo(v.instances());
          assertThat(v.lives().values()).noneMatch(l -> l.backingOff(now));
        } else {
          long done = v.lives().values().stream().filter(InstanceLife::done).count();
          assertThat(v.placed().size() + v.pending().size() + done).as("seed %d: %s", seed, key).isEqualTo(v.instances());
          assertThat(v.placed()).noneMatch(p -> v.life(p.assignment().instanceId()).done());
        }
      }
    }
  }
}
