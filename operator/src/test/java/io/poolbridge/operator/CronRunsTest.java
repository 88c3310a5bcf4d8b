package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.estate.Workloads;
import io.poolbridge.scheduler.Prices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bound on overlapping runs (concurrency policy Allow), with the pure engine and the loop's
 * side of lanes played by the test: at most 10 runs at once, and never more than 250 instances in
 * all; a run due beyond the bound waits, as under Forbid, and starts once a run ends.
 */
class CronRunsTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");
  private static final Instant CREATED = Instant.parse("2026-12-01T00:00:00Z");

  private final Engine engine = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of()), Duration.ofSeconds(1), 1, CREATED);
  private final CronRuns cron = new CronRuns();

  private static Workload job(int instances, String jobSettings) {
    return Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: etl, namespace: data, generation: 1, creationTimestamp: "2026-12-01T00:00:00Z"}
        spec:
          framework: spark
          kind: Job
          instances: %d
          resources: {cpu: 100m, memory: 64Mi}
          schedule: {cron: "*/5 * * * *"}
          %s
        """.formatted(instances, jobSettings), Workload.class);
  }

  /** The loop's side: lists the lanes in the Job's demand and tells the engine. */
  private boolean list(Workload w, int lanes) {
    int asked = (lanes - 1) * w.getSpec().instances();
    int extra = Workloads.extra(w, asked);
    engine.upsert(Workloads.demand(SCHEMA, w, 0, extra));
    return extra == asked;
  }

  private Workload admit(Workload w) {
    engine.addFramework(FrameworkInfo.of("spark", "batch"));
    engine.upsert(Workloads.demand(SCHEMA, w, 0, 0));
    engine.setJobPolicy(Workloads.key(w), Workloads.jobPolicy(w));
    return w;
  }

  /** Decides at {@code at} (ticking the engine there first); the runs as the status would list them. */
  private List<WorkloadStatus.RunStatus> decideAt(Workload w, Instant at) {
    engine.tick(at);
    EngineSnapshot.WorkloadView view = engine.publish().workloads().get(Workloads.key(w));
    cron.decide(engine, w, view, at, false, this::list);
    return cron.status(Workloads.key(w), w).runs();
  }

  private static long running(List<WorkloadStatus.RunStatus> runs) {
    return runs.stream().filter(r -> "Running".equals(r.result())).count();
  }

  @Test
  void atMostTenRunsGoOnAtOnceEachOnItsOwnInstancesAndTheEleventhWaits() {
    Workload w = admit(job(2, ""));
    List<WorkloadStatus.RunStatus> runs = List.of();
    for (int k = 1; k <= 11; k++) {
      runs = decideAt(w, CREATED.plus(Duration.ofMinutes(5L * k)).plusSeconds(5));
    }
    // Ten runs going on (none ends: nothing is placed), on etl-0.., etl-2.., ..., etl-18..; the
    // eleventh, due while ten go on, is not started.
    assertThat(running(runs)).isEqualTo(10);
    assertThat(runs).extracting(WorkloadStatus.RunStatus::firstInstance).containsExactlyInAnyOrder(
        null, "etl-2", "etl-4", "etl-6", "etl-8", "etl-10", "etl-12", "etl-14", "etl-16", "etl-18");
    assertThat(runs).extracting(WorkloadStatus.RunStatus::scheduledTime)
        .doesNotContain(CREATED.plus(Duration.ofMinutes(55)).toString());
    assertThat(engine.publish().workloads().get("data/etl").instances()).isEqualTo(20);
  }

  @Test
  void aJobOfMoreThan125InstancesRunsOneRunAtATimeAndTheNextStartsWhenItEnds() {
    // 126 instances: two runs would list 252, over the 250 a Workload may list.
    Workload w = admit(job(126, "job: {activeDeadlineSeconds: 400}"));
    Instant first = CREATED.plus(Duration.ofMinutes(5));
    assertThat(running(decideAt(w, first.plusSeconds(5)))).isEqualTo(1);
    // The next is due while the first goes on: it waits (no lane for it).
    List<WorkloadStatus.RunStatus> runs = decideAt(w, first.plus(Duration.ofMinutes(5)).plusSeconds(5));
    assertThat(runs).singleElement().satisfies(r -> assertThat(r.scheduledTime()).isEqualTo(first.toString()));
    assertThat(engine.publish().workloads().get("data/etl").instances()).isEqualTo(126);
    // The first fails on its deadline (400 s): the one due at +5 min starts then, in lane 0.
    runs = decideAt(w, first.plusSeconds(410));
    assertThat(runs).extracting(WorkloadStatus.RunStatus::result).containsExactly("Running", "Failed");
    assertThat(runs.get(0).scheduledTime()).isEqualTo(first.plus(Duration.ofMinutes(5)).toString());
    assertThat(runs.get(0).firstInstance()).isNull();
  }
}
