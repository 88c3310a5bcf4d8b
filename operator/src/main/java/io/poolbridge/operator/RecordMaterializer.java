package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.estate.Workloads;
import io.poolbridge.materialize.Materializer;
import io.poolbridge.materialize.PodPlacement;
import io.poolbridge.materialize.StaticInstance;
import io.poolbridge.reconciler.workload.WorkloadReconciler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries out a Workload's record (its status, never the engine's uncommitted decisions): Pods for
 * the instances placed on Kubernetes nodes, in the cluster each node lives in; the headless Service
 * and EndpointSlices of the instances on static machines. Pods left in a cluster where the Workload
 * no longer has instances are removed. A problem (a namespace missing in a remote cluster, a
 * template that cannot hold the allocation) is kept for the allocation loop, which reports it as
 * the Workload's {@code Materialized} condition; the loop is the one writer of Workload status.
 */
public final class RecordMaterializer implements WorkloadReconciler.Materializer {
  private final KubernetesClient local;
  private final EstateCache cache;
  private final AllocationLoop loop;
  private final Map<String, String> problems = new ConcurrentHashMap<>();

  public RecordMaterializer(KubernetesClient local, EstateCache cache, AllocationLoop loop) {
    this.local = local;
    this.cache = cache;
    this.loop = loop;
  }

  /** The problem materializing each Workload met, by key; absent when none. */
  public Map<String, String> problems() {
    return problems;
  }

  /** A cluster pods may go to: the operator's own (ref null) or a remote one. */
  private record Target(RemoteClusters.Ref ref, KubernetesClient client) {}

  @Override
  public String apply(Workload workload) {
    String key = Workloads.key(workload);
    WorkloadSpec spec = workload.getSpec();
    WorkloadStatus status = workload.getStatus();
    Map<String, List<PodPlacement>> pods = new LinkedHashMap<>();
    Map<String, Target> targets = new LinkedHashMap<>();
    targets.put("", new Target(null, local));
    RemoteClusters remotes = cache.remotes();
    List<StaticInstance> statics = new ArrayList<>();
    List<String> problemsSeen = new ArrayList<>();
    Map<String, List<PoolNode>> poolNodes = loop.state().poolNodes();
    if (status != null && status.instances() != null) {
      for (InstanceStatus i : status.instances()) {
        if (!placed(i)) {
          continue;
        }
        ResourcePool pool = cache.pool(i.pool());
        if (pool == null) {
          continue;
        }
        String instanceId = workload.getMetadata().getNamespace() + "/" + i.id();
        if (pool.getSpec().source().inventory() != null) {
          PoolNode node = poolNodes.getOrDefault(i.pool(), List.of()).stream()
              .filter(n -> n.name().equals(i.node())).findFirst().orElse(null);
          if (node != null) {
            statics.add(new StaticInstance(instanceId, node));
          }
          continue;
        }
        if (spec.template() == null) {
          continue;
        }
        RemoteClusters.Ref ref = remotes == null ? null : remotes.refOf(pool);
        String cluster = ref == null ? "" : ref.toString();
        if (ref != null && !targets.containsKey(cluster)) {
          KubernetesClient client = remotes.client(ref);
          if (client == null) {
            problemsSeen.add("cluster of pool " + i.pool() + " is not reachable: " + remotes.health(ref).message());
            continue;
          }
          targets.put(cluster, new Target(ref, client));
        }
        Map<String, Quantity> resources = i.resources() != null ? i.resources()
            : status.resources() != null ? status.resources() : spec.resources();
        pods.computeIfAbsent(cluster, c -> new ArrayList<>()).add(new PodPlacement(instanceId, i.node(), i.pool(), resources,
            Boolean.TRUE.equals(i.revocable()), spec.framework(), null, i.restarts() == null ? 0 : i.restarts(),
            runOf(workload, i.id()), i.revision()));
      }
    }
    if (remotes != null) {
      // Clusters the Workload has no instance in any more still lose its Pods.
      for (ResourcePool pool : cache.pools()) {
        RemoteClusters.Ref ref = remotes.refOf(pool);
        if (ref != null && !targets.containsKey(ref.toString()) && remotes.client(ref) != null) {
          targets.put(ref.toString(), new Target(ref, remotes.client(ref)));
        }
      }
    }
    for (var e : targets.entrySet()) {
      Target t = e.getValue();
      if (spec.template() == null && pods.get(e.getKey()) == null && t.ref() != null) {
        continue;
      }
      Materializer m = new Materializer(t.client(), t.ref() != null);
      Materializer.Result r = m.pods(workload, pods.getOrDefault(e.getKey(), List.of()), finished(status));
      if (r.outcome() != Materializer.Outcome.APPLIED) {
        problemsSeen.add(describe(r, t));
      }
    }
    Materializer.Result endpoints = new Materializer(local, false).endpoints(workload, statics);
    if (endpoints.outcome() != Materializer.Outcome.APPLIED) {
      problemsSeen.add(endpoints.message());
    }
    String problem = problemsSeen.isEmpty() ? null : String.join("; ", problemsSeen);
    String before = problem == null ? problems.remove(key) : problems.put(key, problem);
    if (!java.util.Objects.equals(before, problem)) {
      loop.post(new Change(Change.Kind.WORKLOAD, key));
    }
    return problem;
  }

  private static String describe(Materializer.Result r, Target t) {
    String where = t.ref() == null ? "" : " (cluster of Secret " + t.ref() + ")";
    return switch (r.outcome()) {
      case NAMESPACE_MISSING -> "namespace missing" + where + ": " + r.message();
      default -> r.message() + where;
    };
  }

  /**
   * The Pods of instances that are done (a Job's instance that succeeded or failed for good): kept,
   * as Kubernetes keeps a finished Job's Pods, for their logs, until the Workload goes.
   */
  private static java.util.Set<String> finished(WorkloadStatus status) {
    java.util.Set<String> names = new java.util.HashSet<>();
    if (status != null && status.instances() != null) {
      for (InstanceStatus i : status.instances()) {
        if (i.node() == null && i.retryAt() == null && (i.state() == InstanceState.Succeeded || i.state() == InstanceState.Failed)) {
          names.add(i.id());
        }
      }
    }
    return names;
  }

  private static boolean placed(InstanceStatus i) {
    return i.node() != null && i.pool() != null
        && (i.state() == InstanceState.Placed || i.state() == InstanceState.Running || i.state() == InstanceState.Draining);
  }

  /**
   * Deletes, in every reachable remote cluster, the Pods poolbridge made for Workloads that no
   * longer exist (a remote Pod has no owner reference the remote cluster's garbage collector could
   * follow). Returns how many were deleted. Only Workloads in the cache count as alive: call it once
   * the cache has listed them.
   */
  public int collectGarbage() {
    RemoteClusters remotes = cache.remotes();
    if (remotes == null) {
      return 0;
    }
    java.util.Set<String> alive = new java.util.HashSet<>();
    cache.workloads().forEach(w -> alive.add(w.getMetadata().getUid()));
    java.util.Set<String> done = new java.util.HashSet<>();
    int deleted = 0;
    for (ResourcePool pool : cache.pools()) {
      RemoteClusters.Ref ref = remotes.refOf(pool);
      if (ref != null && remotes.client(ref) != null && done.add(ref.toString())) {
        deleted += new Materializer(remotes.client(ref), true).collectGarbage(alive).deleted();
      }
    }
    return deleted;
  }

  @Override
  public boolean remove(Workload workload) {
    boolean done = new Materializer(local, false).remove(workload).outcome() == Materializer.Outcome.APPLIED;
    RemoteClusters remotes = cache.remotes();
    if (remotes != null) {
      Map<String, KubernetesClient> seen = new HashMap<>();
      for (ResourcePool pool : cache.pools()) {
        RemoteClusters.Ref ref = remotes.refOf(pool);
        if (ref != null && remotes.client(ref) != null && seen.put(ref.toString(), remotes.client(ref)) == null) {
          done &= new Materializer(remotes.client(ref), true).remove(workload).outcome() == Materializer.Outcome.APPLIED;
        }
      }
    }
    problems.remove(Workloads.key(workload));
    return done;
  }

  /**
   * The run a scheduled Job's instance belongs to, for its Pod's record: the start of the run going
   * on in its lane ({@code status.schedule.runs[]}, {@code firstInstance} naming lanes above 0, when
   * runs overlap), else the Job's run ({@code status.job.startTime}); {@code null} without a schedule.
   */
  static String runOf(Workload workload, String id) {
    WorkloadStatus status = workload.getStatus();
    if (workload.getSpec().schedule() == null || status == null || status.job() == null) {
      return null;
    }
    int instances = workload.getSpec().instances() == null ? 0 : workload.getSpec().instances();
    int ordinal = io.poolbridge.estate.Workloads.ordinal(id);
    if (instances > 0 && ordinal >= 0 && status.schedule() != null && status.schedule().runs() != null) {
      int lane = ordinal / instances;
      for (WorkloadStatus.RunStatus r : status.schedule().runs()) {
        int first = r.firstInstance() == null ? 0 : io.poolbridge.estate.Workloads.ordinal(r.firstInstance());
        if ("Running".equals(r.result()) && first >= 0 && first / instances == lane) {
          return r.startTime();
        }
      }
    }
    return status.job().startTime();
  }
}
