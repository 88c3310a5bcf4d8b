package io.poolbridge.reconciler.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.EngineSnapshot.WorkloadView;
import io.poolbridge.engine.Exit;
import io.poolbridge.engine.InstanceLife;
import io.poolbridge.estate.Workloads;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.time.ManualClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An instance's failures in a row are part of the record: written for a placed instance and for one
 * backing off, read back after a restart, so that a crash-looping instance goes on with its grown
 * back-off instead of starting again at 10 s.
 */
class WorkloadFailuresInRowTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");
  private final WorkloadStatusFactory factory = new WorkloadStatusFactory(new ManualClock());

  private static Workload web() {
    return Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: shop, generation: 1}
        spec: {framework: marathon, kind: Service, instances: 2, resources: {cpu: 1, memory: 1Gi}}
        """, Workload.class);
  }

  private static EngineSnapshot.Placed placed(String id) {
    return new EngineSnapshot.Placed(new Assignment("shop/" + id, "shop/web", 1, "k8s/n1", "k8s",
        Resources.of(SCHEMA, "cpu", 1000, "memory", 1L << 30), 0, false, null), Map.of(), true);
  }

  @Test
  void failuresInARowAreWrittenAndReadBack() {
    Instant failedAt = Instant.parse("2026-12-01T10:00:00Z");
    Map<String, InstanceLife> lives = Map.of(
        // web-0 failed three times in a row and runs again; web-1 failed twice and backs off 20 s.
        "shop/web-0", new InstanceLife(3, 3, Exit.FAILED, failedAt, "exit code 1", null, false),
        "shop/web-1", new InstanceLife(2, 2, Exit.FAILED, failedAt, "exit code 2", failedAt.plusSeconds(20), false));
    WorkloadView view = new WorkloadView("shop/web", "marathon", 2, List.of(placed("web-0")), List.of(), lives, null);
    Workload w = web();
    WorkloadStatus status = factory.of(w, view, pool -> null, null, null);
    assertThat(status.instances()).extracting(InstanceStatus::id, InstanceStatus::restarts, InstanceStatus::failuresInRow)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("web-0", 3, 3), org.assertj.core.groups.Tuple.tuple("web-1", 2, 2));

    w.setStatus(status);
    Map<String, InstanceLife> read = Workloads.recordedLives(w);
    assertThat(read.get("shop/web-0").failuresInRow()).isEqualTo(3);
    assertThat(read.get("shop/web-0").restarts()).isEqualTo(3);
    assertThat(read.get("shop/web-1").failuresInRow()).isEqualTo(2);
    assertThat(read.get("shop/web-1").heldUntil()).isEqualTo(failedAt.plusSeconds(20));
  }

  @Test
  void aRecordWithoutTheFigureOrWithAHostileOneIsReadBounded() {
    Workload w = web();
    w.setStatus(new WorkloadStatus(1L, WorkloadStatus.Phase.Running, 1, List.of(
        new InstanceStatus("web-0", "n1", "k8s", null, WorkloadStatus.InstanceState.Placed, null, null, null, null, 4, null, null,
            null, 2_000_000_000),
        new InstanceStatus("web-1", "n1", "k8s", null, WorkloadStatus.InstanceState.Placed, null, null, null, null, 1, null, null)),
        List.of(), null));
    Map<String, InstanceLife> read = Workloads.recordedLives(w);
    // Beyond 16 the back-off is at its cap anyway; an older record without it counts none.
    assertThat(read.get("shop/web-0").failuresInRow()).isEqualTo(16);
    assertThat(read.get("shop/web-1").failuresInRow()).isZero();
    assertThat(read.get("shop/web-1").restarts()).isEqualTo(1);
  }
}
