package io.poolbridge.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.simulate.PlacementDiff.Change;
import io.poolbridge.simulate.PlacementDiff.Share;
import io.poolbridge.simulate.SimulationOutcome.FrameworkUse;
import io.poolbridge.simulate.SimulationOutcome.Instance;
import io.poolbridge.simulate.SimulationOutcome.Pending;
import io.poolbridge.simulate.SimulationOutcome.WorkloadPlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The diff {@code simulate --cluster} prints, on outcomes written by hand: what ran before and
 * runs after on the same node is no change; on another node a move; an instance that ran and does
 * not is stopped (its Workload deleted, scaled below it, or left pending, e.g. preempted); one that
 * did not run (new, or pending until now) and runs is placed.
 */
class PlacementDiffTest {

  private static Instance on(String id, String pool, String node) {
    return new Instance(id, node, pool, null, Map.of("cpu", "1"), false, null);
  }

  private static WorkloadPlacement workload(String ns, String name, String fw, int instances, List<Instance> placed, List<Pending> pending) {
    return new WorkloadPlacement(ns, name, "Service", fw, instances, placed.size(), null, placed, pending);
  }

  private static FrameworkUse framework(String name, double share, double weighted) {
    return new FrameworkUse(name, "External", name, 1, Map.of(), share, weighted, true, null, 0);
  }

  private static SimulationOutcome outcome(List<FrameworkUse> frameworks, WorkloadPlacement... workloads) {
    return new SimulationOutcome(0, "2026-12-01T00:00:00Z", 0, true, List.of(), frameworks, List.of(workloads), null, List.of(), List.of());
  }

  @Test
  void theSameEstateIsNoChange() {
    SimulationOutcome live = outcome(List.of(framework("apps", 0.25, 0.25)),
        workload("ns", "web", "apps", 2, List.of(on("web-0", "p", "a"), on("web-1", "p", "b")), List.of()),
        workload("ns", "big", "apps", 1, List.of(), List.of(new Pending("big-0", "Insufficient", "no node has 64 cpu free"))));

    PlacementDiff diff = PlacementDiff.between(live, live);

    assertThat(diff.noChange()).isTrue();
    assertThat(diff.placed()).isEmpty();
    assertThat(diff.moved()).isEmpty();
    assertThat(diff.stopped()).isEmpty();
    // big-0 stays pending as it is now: reported, but not a change.
    assertThat(diff.pending()).containsExactly(new Change("ns/big", "big-0", "pending", null, "Insufficient", "no node has 64 cpu free"));
  }

  @Test
  void placedMovedStoppedAndPendingAreToldApart() {
    SimulationOutcome before = outcome(List.of(framework("apps", 0.25, 0.25), framework("batch", 0.5, 0.25)),
        // web: web-0 on p/a, web-1 on p/b, web-2 pending.
        workload("ns", "web", "apps", 3, List.of(on("web-0", "p", "a"), on("web-1", "p", "b")),
            List.of(new Pending("web-2", "Insufficient", "full"))),
        workload("ns", "db", "apps", 1, List.of(on("db-0", "p", "a")), List.of()),
        workload("ns", "etl", "batch", 2, List.of(on("etl-0", "p", "a"), on("etl-1", "p", "b")), List.of()),
        workload("ns", "low", "batch", 1, List.of(on("low-0", "q", "x")), List.of()));
    SimulationOutcome after = outcome(List.of(framework("apps", 0.5, 0.5), framework("batch", 0.5, 0.25)),
        // web scaled to 11: web-1 moved to p/c, web-2 placed on p/b, web-3..web-9 placed, web-10 pending.
        workload("ns", "web", "apps", 11, instances("web", 11), List.of(new Pending("web-10", "Insufficient", "full"))),
        // db deleted; etl scaled down to 1; low preempted.
        workload("ns", "etl", "batch", 1, List.of(on("etl-0", "p", "a")), List.of()),
        workload("ns", "low", "batch", 1, List.of(), List.of(new Pending("low-0", "Preempted", "preempted by ns/web"))));

    PlacementDiff diff = PlacementDiff.between(before, after);

    assertThat(diff.noChange()).isFalse();
    List<Change> placed = new ArrayList<>();
    placed.add(new Change("ns/web", "web-2", "pending", "p/b", null, null));
    for (int i = 3; i <= 9; i++) {
      placed.add(new Change("ns/web", "web-" + i, null, "p/n" + i, null, null));
    }
    assertThat(diff.placed()).containsExactlyElementsOf(placed);
    assertThat(diff.moved()).containsExactly(new Change("ns/web", "web-1", "p/b", "p/c", null, null));
    assertThat(diff.stopped()).containsExactly(
        new Change("ns/db", "db-0", "p/a", null, "Deleted", "its Workload is deleted"),
        new Change("ns/etl", "etl-1", "p/b", null, "ScaledDown", "its Workload no longer lists it (spec.instances is 1)"),
        new Change("ns/low", "low-0", "q/x", null, "Preempted", "preempted by ns/web"));
    // Workloads by key, instances in numeric order (web-10 after web-9); low-0 ran before.
    assertThat(diff.pending()).containsExactly(
        new Change("ns/low", "low-0", "q/x", null, "Preempted", "preempted by ns/web"),
        new Change("ns/web", "web-10", null, null, "Insufficient", "full"));
    assertThat(diff.shares()).containsExactly(new Share("apps", 0.25, 0.5, 0.25, 0.5), new Share("batch", 0.5, 0.5, 0.25, 0.25));
    assertThat(diff.shares().get(1).changed()).isFalse();
  }

  @Test
  void aNewWorkloadAndANewFrameworkStartFromNothing() {
    SimulationOutcome before = outcome(List.of(framework("apps", 0, 0)));
    SimulationOutcome after = outcome(List.of(framework("apps", 0, 0), framework("ml", 0.125, 0.0625)),
        workload("team", "train", "ml", 1, List.of(on("train-0", "gpu", "g1")), List.of()));

    PlacementDiff diff = PlacementDiff.between(before, after);

    assertThat(diff.placed()).containsExactly(new Change("team/train", "train-0", null, "gpu/g1", null, null));
    assertThat(diff.shares()).containsExactly(new Share("apps", 0, 0, 0, 0), new Share("ml", 0, 0.125, 0, 0.0625));
    assertThat(diff.noChange()).isFalse();
  }

  @Test
  void aSuspendedWorkloadStopsWhatRan() {
    SimulationOutcome before = outcome(List.of(framework("batch", 0.5, 0.5)),
        workload("ns", "etl", "batch", 2, List.of(on("etl-0", "p", "a"), on("etl-1", "p", "b")), List.of()));
    // Suspended: still listing two instances, neither placed nor pending.
    SimulationOutcome after = outcome(List.of(framework("batch", 0, 0)), workload("ns", "etl", "batch", 2, List.of(), List.of()));

    PlacementDiff diff = PlacementDiff.between(before, after);

    assertThat(diff.stopped()).containsExactly(
        new Change("ns/etl", "etl-0", "p/a", null, "Suspended", "its Workload's schedule is suspended"),
        new Change("ns/etl", "etl-1", "p/b", null, "Suspended", "its Workload's schedule is suspended"));
    assertThat(diff.pending()).isEmpty();
  }

  @Test
  void beforeIsWhereTheStatusesSayInstancesRunRestoredOrNot() {
    // The accounted live estate could not restore web-1 (its node's cluster was not read): it shows pending.
    SimulationOutcome accounted = outcome(List.of(framework("apps", 0.25, 0.25)),
        workload("ns", "web", "apps", 3, List.of(on("web-0", "p", "a")),
            List.of(new Pending("web-1", "NoOffers", "no room"), new Pending("web-2", "NoOffers", "no room"))));
    io.poolbridge.api.v1alpha1.Workload live = new io.poolbridge.api.v1alpha1.Workload();
    live.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("ns").withName("web").build());
    live.setStatus(new io.poolbridge.api.v1alpha1.WorkloadStatus(1L, io.poolbridge.api.v1alpha1.WorkloadStatus.Phase.Partial, 2,
        List.of(status("web-0", "p", "a", "Running"), status("web-1", "remote", "r1", "Placed"), status("web-2", null, null, "Pending")),
        List.of(), null));
    SimulationOutcome after = outcome(List.of(framework("apps", 0.375, 0.375)),
        workload("ns", "web", "apps", 3, List.of(on("web-0", "p", "a"), on("web-1", "p", "b"), on("web-2", "p", "c")), List.of()));

    SimulationOutcome before = PlacementDiff.asRecorded(accounted, List.of(live));
    PlacementDiff diff = PlacementDiff.between(before, after);

    // web-1 ran on remote/r1 and runs on p/b after: a move, not a placement; web-2 was pending.
    assertThat(diff.moved()).containsExactly(new Change("ns/web", "web-1", "remote/r1", "p/b", null, null));
    assertThat(diff.placed()).containsExactly(new Change("ns/web", "web-2", "pending", "p/c", null, null));
    assertThat(before.workloads().get(0).pending()).extracting(Pending::id).containsExactly("web-2");
    assertThat(before.frameworks()).isEqualTo(accounted.frameworks());
  }

  private static io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus status(String id, String pool, String node, String state) {
    return new io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus(id, node, pool, null,
        io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.valueOf(state), false, null, null, null);
  }

  /** web-0 on p/a, web-1 on p/c, web-2 on p/b, web-3..web-(n-2) on p/n3.., all but the last. */
  private static List<Instance> instances(String name, int n) {
    List<Instance> list = new ArrayList<>();
    list.add(on(name + "-0", "p", "a"));
    list.add(on(name + "-1", "p", "c"));
    list.add(on(name + "-2", "p", "b"));
    for (int i = 3; i < n - 1; i++) {
      list.add(on(name + "-" + i, "p", "n" + i));
    }
    return list;
  }
}
