package io.poolbridge.reconciler.workload;

import io.fabric8.kubernetes.api.model.IntOrString;
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

  /** The resolved limits of {@code spec}. */
  public static Rollout.Limits limits(WorkloadSpec spec) {
    WorkloadSpec.Rollout r = spec.rollout();
    return Rollout.resolve(r == null ? null : text(r.maxSurge()), r == null ? null : text(r.maxUnavailable()), spec.instances());
  }

  private static String text(IntOrString v) {
    if (v == null) {
      return null;
    }
    return v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
  }

  /**
   * The step of {@code workload}'s rollout to {@code revision}, from its instance entries; the ids
   * of the step are cluster-wide instance ids ({@code ns/web-0}). An instance without a revision
   * (pending, backing off) is placed at the current one. A placed instance whose readiness is not
   * known (a remote cluster, no pod template) counts as ready, as a Pod without a readiness probe does.
   */
  public static Rollout.Step step(Workload workload, String revision, List<InstanceStatus> entries) {
    Map<String, InstanceStatus> byName = new HashMap<>();
    for (InstanceStatus i : entries) {
      byName.put(i.id(), i);
    }
    List<Rollout.Member> members = new ArrayList<>();
    List<String> ids = Workloads.instanceIds(workload);
    for (String id : ids) {
      InstanceStatus i = byName.get(Workloads.displayName(id));
      if (i == null) {
        members.add(new Rollout.Member(id, true, false, false, false, null));
        continue;
      }
      boolean placed = i.state() == InstanceState.Placed;
      boolean current = i.revision() == null || i.revision().equals(revision);
      boolean ready = placed && (i.ready() == null || i.ready());
      members.add(new Rollout.Member(id, current, placed, ready, false, placed ? null : i.reason()));
    }
    return Rollout.plan(ids.size(), members, limits(workload.getSpec()));
  }

  /** Whether {@code status} records a rollout with old instances left: a placed instance at another revision. */
  public static boolean oldLeft(io.poolbridge.api.v1alpha1.WorkloadStatus status) {
    if (status == null || status.rollout() == null || status.instances() == null) {
      return false;
    }
    for (InstanceStatus i : status.instances()) {
      if (i.state() == InstanceState.Placed && i.revision() != null && !i.revision().equals(status.rollout().revision())) {
        return true;
      }
    }
    return false;
  }
}
