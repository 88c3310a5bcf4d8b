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
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.time.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Service's revision, and the rollout its status records. */
class WorkloadRolloutStatusTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");
  private final WorkloadStatusFactory factory = new WorkloadStatusFactory(new ManualClock());

  private static Workload workload(String resources, String template) {
    Workload w = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: shop, generation: 1}
        spec:
          framework: marathon
          kind: Service
          instances: 2
          resources: %s
          rollout: {maxUnavailable: 1}
          template: %s
        """.formatted(resources, template), Workload.class);
    return w;
  }

  private static final String V1 = "{spec: {containers: [{name: app, image: 'nginx:1.26', ports: [{containerPort: 80}]}]}}";

  @Test
  void theRevisionHashesTemplateAndResourcesWhateverTheirOrderAndForm() {
    String r = WorkloadRevision.of(workload("{cpu: 1500m, memory: 2Gi}", V1).getSpec());
    assertThat(r).matches("[0-9a-f]{16}");
    // Keys in another order, amounts in another form: the same revision.
    assertThat(WorkloadRevision.of(workload("{memory: 2048Mi, cpu: '1.5'}",
        "{spec: {containers: [{ports: [{containerPort: 80}], image: 'nginx:1.26', name: app}]}}").getSpec())).isEqualTo(r);
    // Another image, or other resources: another revision.
    assertThat(WorkloadRevision.of(workload("{cpu: 1500m, memory: 2Gi}", V1.replace("1.26", "1.27")).getSpec())).isNotEqualTo(r);
    assertThat(WorkloadRevision.of(workload("{cpu: 2, memory: 2Gi}", V1).getSpec())).isNotEqualTo(r);
  }

  private static EngineSnapshot.Placed placed(String id, String node) {
    return placed(id, node, true);
  }

  private static EngineSnapshot.Placed placed(String id, String node, boolean committed) {
    return new EngineSnapshot.Placed(new Assignment("shop/" + id, "shop/web", 1, "k8s/" + node, "k8s",
        Resources.of(SCHEMA, "cpu", 1500, "memory", 2L << 30), 0, false, null), Map.of(), committed);
  }

  private static WorkloadStatus withRevisions(WorkloadStatus s, String revision, String rolledOut) {
    List<InstanceStatus> out = new ArrayList<>();
    for (InstanceStatus i : s.instances()) {
      out.add(new InstanceStatus(i.id(), i.node(), i.pool(), i.resources(), i.state(), i.revocable(), i.since(), i.reason(),
          i.costPerHour(), i.restarts(), i.ready(), i.retryAt(), revision));
    }
    return new WorkloadStatus(s.observedGeneration(), s.phase(), s.placed(), out, s.conditions(), s.lastScheduleTime(),
        s.resources(), s.ready(), s.job(), s.schedule(),
        rolledOut == null ? null : new WorkloadStatus.RolloutStatus(rolledOut, 2, 2, 2, null, true, null));
  }

  @Test
  void runningInstancesKeepTheirRevisionAfterAChangeAndTheRolloutShowsWhatIsLeft() {
    Workload before = workload("{cpu: 1500m, memory: 2Gi}", V1);
    String r1 = WorkloadRevision.of(before.getSpec());
    WorkloadView view = new WorkloadView("shop/web", "marathon", 2, List.of(placed("web-0", "k1"), placed("web-1", "k2")), List.of());
    WorkloadStatus first = factory.of(before, view, p -> null, null, id -> WorkloadStatusFactory.Health.READY);
    assertThat(first.instances()).extracting(InstanceStatus::revision).containsOnly(r1);
    assertThat(first.rollout()).isEqualTo(new WorkloadStatus.RolloutStatus(r1, 2, 2, 2, null, true, null));

    Workload after = workload("{cpu: 1500m, memory: 2Gi}", V1.replace("1.26", "1.27"));
    String r2 = WorkloadRevision.of(after.getSpec());
    WorkloadStatus next = factory.of(after, view, p -> null, first, id -> WorkloadStatusFactory.Health.READY);
    assertThat(next.instances()).extracting(InstanceStatus::revision).containsOnly(r1);
    assertThat(next.rollout().revision()).isEqualTo(r2);
    assertThat(next.rollout().updated()).isZero();
    assertThat(next.rollout().complete()).isFalse();
    // Two old instances, one may be unavailable: the first goes.
    assertThat(next.rollout().message()).isEqualTo("replacing web-0 (1 more to replace)");
    assertThat(WorkloadRollouts.step(after, r2, next.instances()).replace()).containsExactly("shop/web-0");

    // web-0 placed again on the same node (a new placement, recorded before it is committed), not
    // ready yet: at the new revision; web-1 waits.
    WorkloadView replaced = new WorkloadView("shop/web", "marathon", 2, List.of(placed("web-0", "k1", false), placed("web-1", "k2")),
        List.of());
    WorkloadStatus third = factory.of(after, replaced, p -> null, next,
        id -> id.equals("shop/web-0") ? new WorkloadStatusFactory.Health(false, null) : WorkloadStatusFactory.Health.READY);
    assertThat(third.instances()).extracting(InstanceStatus::revision).containsExactly(r2, r1);
    assertThat(third.rollout().updated()).isEqualTo(1);
    assertThat(third.rollout().updatedReady()).isZero();
    assertThat(WorkloadRollouts.step(after, r2, third.instances()).replace()).isEmpty();
    // Committed, it keeps the revision it was recorded with.
    WorkloadView committed = new WorkloadView("shop/web", "marathon", 2, List.of(placed("web-0", "k1"), placed("web-1", "k2")), List.of());
    assertThat(factory.of(after, committed, p -> null, third, id -> WorkloadStatusFactory.Health.READY).instances())
        .extracting(InstanceStatus::revision).containsExactly(r2, r1);
  }

  @Test
  void instancesRecordedBeforeRevisionsTakeTheCurrentOneSoAnUpgradeReplacesNothing() {
    Workload w = workload("{cpu: 1500m, memory: 2Gi}", V1);
    WorkloadView view = new WorkloadView("shop/web", "marathon", 2, List.of(placed("web-0", "k1"), placed("web-1", "k2")), List.of());
    WorkloadStatus old = withRevisions(factory.of(w, view, p -> null, null, id -> WorkloadStatusFactory.Health.READY), null, null);
    WorkloadStatus now = factory.of(w, view, p -> null, old, id -> WorkloadStatusFactory.Health.READY);
    assertThat(now.instances()).extracting(InstanceStatus::revision).containsOnly(WorkloadRevision.of(w.getSpec()));
    assertThat(now.rollout().complete()).isTrue();
  }

  @Test
  void aWorkloadListsAt250InstancesSurgeIncludedSoAServiceOf250ReplacesInPlace() {
    java.util.function.IntFunction<io.poolbridge.api.v1alpha1.WorkloadSpec> of = n -> Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: shop}
        spec: {framework: marathon, kind: Service, instances: %d, resources: {cpu: 1}, rollout: {maxSurge: 100%%, maxUnavailable: 0}}
        """.formatted(n), Workload.class).getSpec();
    assertThat(WorkloadRollouts.limits(of.apply(100))).isEqualTo(new io.poolbridge.engine.Rollout.Limits(100, 0));
    assertThat(WorkloadRollouts.limits(of.apply(200))).isEqualTo(new io.poolbridge.engine.Rollout.Limits(50, 0));
    // No room above 250: none surges, so one may be unavailable, or nothing would move.
    assertThat(WorkloadRollouts.limits(of.apply(250))).isEqualTo(new io.poolbridge.engine.Rollout.Limits(0, 1));
  }
}
