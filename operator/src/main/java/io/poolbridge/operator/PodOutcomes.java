package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.poolbridge.engine.Exit;
import io.poolbridge.materialize.Keys;
import io.poolbridge.materialize.PodPlacement;
import io.poolbridge.reconciler.workload.WorkloadStatusFactory;
import io.poolbridge.reconciler.workload.WorkloadStatusFactory.Health;
import java.util.List;
import java.util.Map;

/**
 * What a Pod the operator made says of its instance: how its run ended, whether it is ready, and
 * whether the kubelet holds a container in crash-loop back-off. Pure.
 */
final class PodOutcomes {
  private PodOutcomes() {}

  /** What the loop reads of a Pod, to tell a change that matters from a heartbeat of its status. */
  record Seen(String phase, boolean ready, String note, String node, String placement, boolean deleting) {}

  static Seen seen(Pod pod) {
    Health h = health(pod);
    return new Seen(phase(pod), h.ready(), h.note(), pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        annotation(pod, Keys.PLACEMENT), pod.getMetadata().getDeletionTimestamp() != null);
  }

  /** The key of the Workload a Pod was made for, {@code <namespace>/<name>}, from its labels; null when it names none. */
  static String workloadKey(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null || labels.get(Keys.WORKLOAD) == null) {
      return null;
    }
    String ns = labels.getOrDefault(Keys.WORKLOAD_NAMESPACE, pod.getMetadata().getNamespace());
    return ns + "/" + labels.get(Keys.WORKLOAD);
  }

  /** The attempt the Pod was made for ({@link PodPlacement#attemptOf}): -1 when it has no placement record. */
  static int attempt(Pod pod) {
    return PodPlacement.attemptOf(annotation(pod, Keys.PLACEMENT));
  }

  /** The scheduled Job's run the Pod was made for ({@link PodPlacement#runOf}), or null. */
  static String run(Pod pod) {
    return PodPlacement.runOf(annotation(pod, Keys.PLACEMENT));
  }

  /** How the Pod's run ended: {@code Succeeded} or {@code Failed} phase; null while it runs (or waits). */
  static Exit exit(Pod pod) {
    String phase = phase(pod);
    return "Succeeded".equals(phase) ? Exit.SUCCEEDED : "Failed".equals(phase) ? Exit.FAILED : null;
  }

  /**
   * The end of the Pod's run in words: the Pod's own reason when it has one ({@code Evicted: The node
   * was low on resource: memory}), else the first terminated container's exit code and reason
   * ({@code exit code 137 (OOMKilled)}).
   */
  static String message(Pod pod) {
    if (pod.getStatus() == null) {
      return null;
    }
    if (pod.getStatus().getReason() != null) {
      String m = pod.getStatus().getMessage();
      return pod.getStatus().getReason() + (m == null || m.isBlank() ? "" : ": " + m);
    }
    for (ContainerStatus c : containers(pod)) {
      ContainerStateTerminated t = c.getState() == null ? null : c.getState().getTerminated();
      if (t != null && t.getExitCode() != null) {
        return "exit code " + t.getExitCode() + (t.getReason() == null || t.getReason().isBlank() ? "" : " (" + t.getReason() + ")");
      }
    }
    return null;
  }

  /**
   * Whether the Pod is ready (its {@code Ready} condition is {@code True}), and what is wrong: a
   * container the kubelet holds in crash-loop back-off ({@code CrashLoopBackOff: container app
   * restarted 5 times, last exit code 1}).
   */
  static Health health(Pod pod) {
    boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    String note = null;
    for (ContainerStatus c : containers(pod)) {
      if (c.getState() != null && c.getState().getWaiting() != null
          && WorkloadStatusFactory.CRASH_LOOP.equals(c.getState().getWaiting().getReason())) {
        ContainerStateTerminated last = c.getLastState() == null ? null : c.getLastState().getTerminated();
        note = WorkloadStatusFactory.CRASH_LOOP + ": container " + c.getName() + " restarted "
            + (c.getRestartCount() == null ? 0 : c.getRestartCount()) + " times"
            + (last != null && last.getExitCode() != null ? ", last exit code " + last.getExitCode() : "");
        break;
      }
    }
    return new Health(ready, note);
  }

  private static List<ContainerStatus> containers(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of() : pod.getStatus().getContainerStatuses();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static String annotation(Pod pod, String key) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }
}
