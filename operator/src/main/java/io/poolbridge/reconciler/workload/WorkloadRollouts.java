package io.poolbridge.reconciler.workload;

import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.engine.Rollout;
import io.poolbridge.estate.Workloads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Service's rollout read from its record: each instance's revision ({@code
 * status.instances[].revision}) and readiness, planned by {@link Rollout}. Pure: the status factory
 * writes the step's figures as {@code status.rollout}, the allocation loop carries out its
 * replacements once that status is written.
 */
public final class WorkloadRollouts {
  private WorkloadRollouts() {}

  /** Whether {@code spec} rolls out its changes: a Service with instances. */
  public static boolean rollsOut(WorkloadSpec spec) {
    return spec.kind() == WorkloadSpec.WorkloadKind.Service && spec.instances() != null && spec.instances() > 0;
  }

  /**
   * The resolved limits of {@code spec}. A Workload lists at most {@link WorkloadSpec#MAX_INSTANCES}
   * instances, surge included: maxSurge is cut to what is left above {@code instances} (and, when
   * that leaves none and none may be unavailable, one may be, so that the rollout moves).
   */
  public static Rollout.Limits limits(WorkloadSpec spec) {
    WorkloadSpec.Rollout r = spec.rollout();
    Rollout.Limits limits = Rollout.resolve(r == null ? null : Workloads.text(r.maxSurge()),
        r == null ? null : Workloads.text(r.maxUnavailable()), spec.instances());
    int room = Math.max(0, WorkloadSpec.MAX_INSTANCES - spec.instances());
    if (limits.maxSurge() > room) {
      limits = new Rollout.Limits(room, room == 0 && limits.maxUnavailable() == 0 ? 1 : limits.maxUnavailable());
    }
    return limits;
  }

  /**
   * The step of {@code workload}'s rollout to {@code revision}, from its instance entries; the ids
   * of the step are cluster-wide instance ids ({@code ns/web-0}). An entry above {@code instances}
   * ({@code web-3} of 3) is a surge instance. An instance without a revision (pending, backing off)
   * is placed at the current one. A placed instance whose readiness is not known (a remote cluster,
   * no pod template) counts as ready, as a Pod without a readiness probe does. A gang has no surge:
   * resized, it would be placed again whole.
   */
  public static Rollout.Step step(Workload workload, String revision, List<InstanceStatus> entries) {
    Map<String, InstanceStatus> byName = new HashMap<>();
    for (InstanceStatus i : entries) {
      byName.put(i.id(), i);
    }
    List<Rollout.Member> members = new ArrayList<>();
    List<String> ids = Workloads.instanceIds(workload);
    int instances = ids.size();
    for (String id : ids) {
      members.add(member(id, byName.get(Workloads.displayName(id)), revision, false));
    }
    if (Workloads.surges(workload)) {
      String prefix = workload.getMetadata().getName() + "-";
      List<InstanceStatus> surge = new ArrayList<>();
      for (InstanceStatus i : entries) {
        int n = i.id() == null || !i.id().startsWith(prefix) ? -1 : Workloads.ordinal(i.id());
        if (n >= instances && i.id().equals(prefix + n)) {
          surge.add(i);
        }
      }
      surge.sort(java.util.Comparator.comparingInt(i -> Workloads.ordinal(i.id())));
      String namespace = workload.getMetadata().getNamespace();
      for (InstanceStatus i : surge) {
        members.add(member(namespace + "/" + i.id(), i, revision, true));
      }
    }
    Rollout.Limits limits = limits(workload.getSpec());
    if (!Workloads.surges(workload)) {
      limits = new Rollout.Limits(0, Math.max(1, limits.maxUnavailable()));
    }
    return Rollout.plan(instances, members, limits);
  }

  private static Rollout.Member member(String id, InstanceStatus i, String revision, boolean surge) {
    if (i == null) {
      return new Rollout.Member(id, true, false, false, surge, null);
    }
    boolean placed = i.state() == InstanceState.Placed;
    boolean current = i.revision() == null || i.revision().equals(revision);
    boolean ready = placed && (i.ready() == null || i.ready());
    return new Rollout.Member(id, current, placed, ready, surge, placed ? null : i.reason());
  }

  /**
   * Whether {@code status}, written for {@code workload}, records a rollout under way: a placed
   * instance at another revision than the one rolled out, or an instance above {@code instances} (a
   * surge instance not yet released).
   */
  public static boolean rolling(Workload workload, io.poolbridge.api.v1alpha1.WorkloadStatus status) {
    if (status == null || status.rollout() == null || status.instances() == null) {
      return false;
    }
    int instances = workload.getSpec().instances() == null ? 0 : workload.getSpec().instances();
    String prefix = workload.getMetadata().getName() + "-";
    for (InstanceStatus i : status.instances()) {
      if (i.state() == InstanceState.Placed && i.revision() != null && !i.revision().equals(status.rollout().revision())) {
        return true;
      }
      if (i.id() != null && i.id().startsWith(prefix) && Workloads.ordinal(i.id()) >= instances) {
        return true;
      }
    }
    return false;
  }
}
