package io.poolbridge.materialize;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.poolbridge.api.v1alpha1.Workload;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Makes one Kubernetes API hold what the committed placements of a Workload call for: its Pods,
 * the headless Service and EndpointSlices of its instances on static machines, and the taints and
 * lease labels of Nodes. Every method is idempotent: it reads first and writes only what differs,
 * so applying the same desired state again makes no write. No API error escapes: every method
 * answers a {@link Result} the caller turns into a condition (and retries on a later tick).
 *
 * <p>Pods: the Workload's Pods are listed by label ({@code poolbridge.io/workload} and {@code
 * app.kubernetes.io/managed-by=poolbridge}); one that matches a placement (same name, node, pool,
 * allocation and owning Workload uid, as its {@code poolbridge.io/placement} annotation and labels
 * record) is adopted as it is, so a restarted operator never duplicates a Pod. Any other Pod of the
 * Workload (its instance gone, moved to another node, made for another allocation, or left by an
 * earlier Workload of the same name) is removed, through the Eviction API while it may still run
 * (so PodDisruptionBudgets hold it back: the outcome is then {@link Outcome#PENDING}), and the
 * missing ones are created. A create that
 * meets an existing Pod (409) reads it: if it matches, it is adopted; if it is an old Pod still
 * terminating (a real API server keeps a deleted Pod through its grace period), or a Pod poolbridge
 * did not make holds the name (it is never deleted), the result is {@link Outcome#PENDING} with a
 * message naming it, and the Pod is created on a later apply.
 */
public final class Materializer {
  /** How many times a Node change is retried from fresh state after a conflict. */
  static final int NODE_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final boolean remote;
  private KubernetesClient evictions;

  /**
   * @param client the API of the cluster the objects go to
   * @param remote whether that is another cluster than the Workloads' (then Pods carry no owner reference)
   */
  public Materializer(KubernetesClient client, boolean remote) {
    this.client = client;
    this.remote = remote;
  }

  /** What came of an apply. */
  public enum Outcome {
    /** The API holds the desired state. */
    APPLIED,
    /**
     * Some of it is not there yet: an earlier Pod of the same name is still terminating, or a Pod
     * poolbridge did not make holds the name (the message says which); apply again later.
     */
    PENDING,
    /** The Workload's namespace does not exist in the cluster: nothing could be created. */
    NAMESPACE_MISSING,
    /** The desired state cannot be built (e.g. a pod template that cannot hold the allocation). */
    INVALID,
    /** The Node is not in the cluster. */
    NODE_MISSING,
    /** The API refused or failed; the message says how. */
    FAILED
  }

  /**
   * The result of an apply: its outcome, a message a person can act on (empty when applied), and the
   * writes made.
   */
  public record Result(Outcome outcome, String message, int created, int updated, int deleted, int adopted) {
    static Result of(Outcome outcome, String message, Counts c) {
      return new Result(outcome, message, c.created, c.updated, c.deleted, c.adopted);
    }

    /** Whether anything was written. */
    public boolean wrote() {
      return created + updated + deleted > 0;
    }
  }

  private static final class Counts {
    int created;
    int updated;
    int deleted;
    int adopted;
    final List<String> waiting = new java.util.ArrayList<>();
  }

  /** Makes the Pods of {@code workload} those of {@code desired}, its committed placements on Kubernetes nodes of this cluster. */
  public Result pods(Workload workload, List<PodPlacement> desired) {
    return pods(workload, desired, Set.of());
  }

  /**
   * As {@link #pods(Workload, List)}, keeping the Pods named in {@code finished} that ran to their end
   * (phase {@code Succeeded} or {@code Failed}): a done Job instance's Pod stays for its logs.
   */
  public Result pods(Workload workload, List<PodPlacement> desired, Set<String> finished) {
    Counts c = new Counts();
    String namespace = workload.getMetadata().getNamespace();
    try {
      Map<String, Pod> wanted = new LinkedHashMap<>();
      try {
        for (PodPlacement p : desired) {
          wanted.put(p.podName(), InstancePods.pod(workload, p, remote));
        }
      } catch (IllegalArgumentException e) {
        return Result.of(Outcome.INVALID, e.getMessage(), c);
      }
      Set<String> kept = new HashSet<>();
      Set<String> terminating = new HashSet<>();
      Set<String> blocked = new HashSet<>();
      for (Pod existing : client.pods().inNamespace(namespace).withLabels(selector(workload)).list().getItems()) {
        String name = existing.getMetadata().getName();
        Pod want = wanted.get(name);
        if (existing.getMetadata().getDeletionTimestamp() != null) {
          terminating.add(name);
        } else if (want == null && finished.contains(name) && existing.getStatus() != null
            && ("Succeeded".equals(existing.getStatus().getPhase()) || "Failed".equals(existing.getStatus().getPhase()))) {
          continue;
        } else if (want != null && matches(existing, want)) {
          kept.add(name);
          c.adopted++;
        } else if (!remove(existing, c)) {
          blocked.add(name);
        }
      }
      boolean namespaceChecked = false;
      for (Map.Entry<String, Pod> e : wanted.entrySet()) {
        if (kept.contains(e.getKey())) {
          continue;
        }
        if (blocked.contains(e.getKey())) {
          // Its earlier Pod (on another node, or for another allocation) is kept: made once that one is evicted.
          continue;
        }
        if (terminating.contains(e.getKey())) {
          c.waiting.add("Pod " + e.getKey() + " waits for the earlier Pod of that name to terminate");
          continue;
        }
        if (!namespaceChecked) {
          if (client.namespaces().withName(namespace).get() == null) {
            return Result.of(Outcome.NAMESPACE_MISSING, namespaceMissing(namespace), c);
          }
          namespaceChecked = true;
        }
        create(e.getValue(), c);
      }
      if (c.waiting.isEmpty()) {
        return Result.of(Outcome.APPLIED, "", c);
      }
      String more = c.waiting.size() > 1 ? " (and " + (c.waiting.size() - 1) + " more)" : "";
      return Result.of(Outcome.PENDING, c.waiting.get(0) + more, c);
    } catch (NamespaceGone e) {
      return Result.of(Outcome.NAMESPACE_MISSING, namespaceMissing(namespace), c);
    } catch (KubernetesClientException e) {
      return Result.of(Outcome.FAILED, failure("the Pods of workload " + workload.getMetadata().getName(), e), c);
    }
  }

  /**
   * Removes a Pod poolbridge no longer wants. One that may still run (not {@code Succeeded} or {@code
   * Failed}) is evicted through the Eviction API ({@code policy/v1}, {@code pods/eviction}), so that
   * PodDisruptionBudgets are respected; the API server deletes it with its own {@code
   * terminationGracePeriodSeconds}. When the API answers 429 (a budget allows no disruption now) the
   * Pod is kept, the reason is noted (the outcome is then {@link Outcome#PENDING}) and the eviction
   * is tried again on the next apply. A Pod that ran to its end is deleted. Whether it was removed.
   */
  private boolean remove(Pod existing, Counts c) {
    String namespace = existing.getMetadata().getNamespace();
    String name = existing.getMetadata().getName();
    String phase = existing.getStatus() == null ? null : existing.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      client.pods().inNamespace(namespace).withName(name).delete();
      c.deleted++;
      return true;
    }
    try {
      if (evictions().pods().inNamespace(namespace).withName(name).evict()) {
        c.deleted++;
        return true;
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return true;
      }
      throw e;
    }
    c.waiting.add("Pod " + name + " is kept for now: evicting it would violate a PodDisruptionBudget in namespace " + namespace
        + "; it is evicted once the budget allows");
    return false;
  }

  /**
   * The client for evictions: {@link #client} without its retries, which a 429 would otherwise set
   * off (with back-off, for minutes) where the answer is final for now. It shares the client's
   * connections and needs no closing.
   */
  private KubernetesClient evictions() {
    if (evictions == null) {
      evictions = client.newClient(new io.fabric8.kubernetes.client.RequestConfigBuilder(client.getConfiguration().getRequestConfig())
          .withRequestRetryBackoffLimit(0).build()).adapt(KubernetesClient.class);
    }
    return evictions;
  }

  /**
   * Creates {@code pod}; on a conflict (a Pod of its name is there) adopts it when it matches, else
   * notes why the instance waits and returns false.
   */
  private boolean create(Pod pod, Counts c) {
    var pods = client.pods().inNamespace(pod.getMetadata().getNamespace());
    String name = pod.getMetadata().getName();
    try {
      pods.resource(pod).create();
      c.created++;
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new NamespaceGone();
      }
      if (e.getCode() != 409) {
        throw e;
      }
      Pod there = pods.withName(name).get();
      if (there == null) {
        c.waiting.add("Pod " + name + " was being deleted; it is made on the next apply");
      } else if (there.getMetadata().getDeletionTimestamp() != null) {
        c.waiting.add("Pod " + name + " waits for the earlier Pod of that name to terminate");
      } else if (matches(there, pod)) {
        c.adopted++;
        return true;
      } else if (!Objects.equals(label(there, Keys.WORKLOAD), label(pod, Keys.WORKLOAD))
          || !Keys.MANAGER.equals(label(there, Keys.MANAGED_BY))) {
        c.waiting.add("a Pod named " + name + " that poolbridge did not make for this workload is in namespace "
            + pod.getMetadata().getNamespace() + "; remove or rename it");
      } else {
        c.waiting.add("Pod " + name + " changed while it was being replaced; it is replaced on the next apply");
      }
      return false;
    }
  }

  /** Whether {@code existing} is the Pod {@code want} describes: same node, same recorded placement, same owning Workload. */
  static boolean matches(Pod existing, Pod want) {
    return existing.getSpec() != null
        && Objects.equals(existing.getSpec().getNodeName(), want.getSpec().getNodeName())
        && Objects.equals(annotation(existing, Keys.PLACEMENT), annotation(want, Keys.PLACEMENT))
        && Objects.equals(label(existing, Keys.WORKLOAD_UID), label(want, Keys.WORKLOAD_UID));
  }

  /**
   * Makes the headless Service and EndpointSlices of {@code workload} list {@code instances}, its
   * committed placements on static machines (see {@link StaticEndpoints}); slices no longer needed
   * are deleted.
   */
  public Result endpoints(Workload workload, List<StaticInstance> instances) {
    Counts c = new Counts();
    String namespace = workload.getMetadata().getNamespace();
    StaticEndpoints.Endpoints want;
    try {
      want = StaticEndpoints.of(workload, instances);
    } catch (IllegalArgumentException e) {
      return Result.of(Outcome.INVALID, e.getMessage(), c);
    }
    try {
      Service service = want.service();
      Service there = client.services().inNamespace(namespace).withName(service.getMetadata().getName()).get();
      if (there == null) {
        if (client.namespaces().withName(namespace).get() == null) {
          return Result.of(Outcome.NAMESPACE_MISSING, namespaceMissing(namespace), c);
        }
        createOrCount(service, () -> client.services().resource(service).create(), c);
      } else if (!Keys.MANAGER.equals(label(there, Keys.MANAGED_BY))) {
        return Result.of(Outcome.INVALID, "Service " + namespace + "/" + service.getMetadata().getName()
            + " exists and is not managed by poolbridge; rename or remove it so that workload "
            + workload.getMetadata().getName() + " gets its DNS name", c);
      } else if (!"None".equals(there.getSpec().getClusterIP())) {
        // clusterIP cannot be changed: the Service is made again.
        client.services().inNamespace(namespace).withName(service.getMetadata().getName()).delete();
        c.deleted++;
        createOrCount(service, () -> client.services().resource(service).create(), c);
      } else if (!sameService(there, service)) {
        client.services().resource(there).edit(s -> {
          s.getMetadata().setLabels(merged(s.getMetadata().getLabels(), service.getMetadata().getLabels()));
          s.getMetadata().setOwnerReferences(service.getMetadata().getOwnerReferences());
          s.getSpec().setPorts(service.getSpec().getPorts());
          s.getSpec().setSelector(null);
          return s;
        });
        c.updated++;
      }

      Map<String, EndpointSlice> existing = new HashMap<>();
      for (EndpointSlice s : client.discovery().v1().endpointSlices().inNamespace(namespace)
          .withLabel(Keys.SERVICE_NAME, service.getMetadata().getName())
          .withLabel(Keys.SLICE_MANAGED_BY, Keys.SLICE_MANAGER).list().getItems()) {
        existing.put(s.getMetadata().getName(), s);
      }
      for (EndpointSlice slice : want.slices()) {
        EndpointSlice old = existing.remove(slice.getMetadata().getName());
        if (old == null) {
          createOrCount(slice, () -> client.discovery().v1().endpointSlices().resource(slice).create(), c);
        } else if (!Objects.equals(old.getAddressType(), slice.getAddressType())) {
          client.discovery().v1().endpointSlices().resource(old).delete();
          c.deleted++;
          createOrCount(slice, () -> client.discovery().v1().endpointSlices().resource(slice).create(), c);
        } else if (!sameSlice(old, slice)) {
          client.discovery().v1().endpointSlices().resource(old).edit(s -> {
            s.getMetadata().setLabels(merged(s.getMetadata().getLabels(), slice.getMetadata().getLabels()));
            s.getMetadata().setOwnerReferences(slice.getMetadata().getOwnerReferences());
            s.setEndpoints(slice.getEndpoints());
            s.setPorts(slice.getPorts());
            return s;
          });
          c.updated++;
        }
      }
      for (EndpointSlice stale : existing.values()) {
        client.discovery().v1().endpointSlices().resource(stale).delete();
        c.deleted++;
      }
      return Result.of(Outcome.APPLIED, "", c);
    } catch (NamespaceGone e) {
      return Result.of(Outcome.NAMESPACE_MISSING, namespaceMissing(namespace), c);
    } catch (KubernetesClientException e) {
      return Result.of(Outcome.FAILED, failure("the endpoints of workload " + workload.getMetadata().getName(), e), c);
    }
  }

  private static void createOrCount(HasMetadata object, Runnable create, Counts c) {
    try {
      create.run();
      c.created++;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new NamespaceGone();
      }
      if (e.getCode() != 409) {
        throw e;
      }
      // Already there (made by an earlier apply whose answer was lost): the next apply compares it.
    }
  }

  private static boolean sameService(Service there, Service want) {
    return there.getSpec().getSelector() == null || there.getSpec().getSelector().isEmpty()
        ? Objects.equals(nullIfEmpty(there.getSpec().getPorts()), nullIfEmpty(want.getSpec().getPorts()))
            && contains(there.getMetadata().getLabels(), want.getMetadata().getLabels())
            && Objects.equals(there.getMetadata().getOwnerReferences(), want.getMetadata().getOwnerReferences())
        : false;
  }

  private static boolean sameSlice(EndpointSlice there, EndpointSlice want) {
    return Objects.equals(there.getEndpoints(), want.getEndpoints())
        && Objects.equals(nullIfEmpty(there.getPorts()), nullIfEmpty(want.getPorts()))
        && contains(there.getMetadata().getLabels(), want.getMetadata().getLabels())
        && Objects.equals(there.getMetadata().getOwnerReferences(), want.getMetadata().getOwnerReferences());
  }

  /**
   * Applies {@code change} (one of {@link NodeTaints}' functions) to Node {@code name}: reads it,
   * and when the change alters it sends the difference as a JSON Patch guarded by the resourceVersion
   * read; on a conflict (409: someone else wrote the Node meanwhile) reads it again and retries, up to
   * {@value #NODE_ATTEMPTS} times. Nothing is written when the Node already is as the change makes it.
   */
  public Result node(String name, UnaryOperator<Node> change) {
    return node(name, change, n -> {});
  }

  /** As {@link #node(String, UnaryOperator)}, with {@code beforeWrite} run between each read and its write (for tests). */
  Result node(String name, UnaryOperator<Node> change, Consumer<Node> beforeWrite) {
    Counts c = new Counts();
    try {
      for (int attempt = 1; attempt <= NODE_ATTEMPTS; attempt++) {
        Node fresh = client.nodes().withName(name).get();
        if (fresh == null) {
          return Result.of(Outcome.NODE_MISSING, "node " + name + " is not in the cluster", c);
        }
        Node changed = change.apply(fresh);
        if (changed.equals(fresh)) {
          return Result.of(Outcome.APPLIED, "", c);
        }
        beforeWrite.accept(fresh);
        try {
          client.nodes().resource(fresh).edit(n -> change.apply(n));
          c.updated++;
          return Result.of(Outcome.APPLIED, "", c);
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
      }
      return Result.of(Outcome.FAILED, "node " + name + " kept changing under " + NODE_ATTEMPTS
          + " attempts to update its poolbridge taints; trying again later", c);
    } catch (KubernetesClientException e) {
      return Result.of(Outcome.FAILED, failure("node " + name, e), c);
    }
  }

  /**
   * Removes everything materialized for {@code workload} in this cluster: its Pods, and its Service and
   * EndpointSlices. For a Workload being deleted (its finalizer) or one no longer placed.
   */
  public Result remove(Workload workload) {
    Result pods = pods(workload, List.of());
    if (pods.outcome() != Outcome.APPLIED) {
      return pods;
    }
    Counts c = new Counts();
    c.deleted = pods.deleted();
    String namespace = workload.getMetadata().getNamespace();
    String name = workload.getMetadata().getName();
    try {
      for (EndpointSlice s : client.discovery().v1().endpointSlices().inNamespace(namespace)
          .withLabel(Keys.SERVICE_NAME, name).withLabel(Keys.SLICE_MANAGED_BY, Keys.SLICE_MANAGER).list().getItems()) {
        client.discovery().v1().endpointSlices().resource(s).delete();
        c.deleted++;
      }
      Service service = client.services().inNamespace(namespace).withName(name).get();
      if (service != null && Keys.MANAGER.equals(label(service, Keys.MANAGED_BY))
          && Objects.equals(label(service, Keys.WORKLOAD_UID), workload.getMetadata().getUid())) {
        client.services().resource(service).delete();
        c.deleted++;
      }
      return Result.of(Outcome.APPLIED, "", c);
    } catch (KubernetesClientException e) {
      return Result.of(Outcome.FAILED, failure("what was materialized for workload " + name, e), c);
    }
  }

  /**
   * Deletes the Pods poolbridge made in this cluster whose owning Workload (by uid) is not in {@code
   * liveWorkloadUids}: the garbage collection of a remote cluster, where no owner reference can
   * point to a Workload.
   */
  public Result collectGarbage(Set<String> liveWorkloadUids) {
    Counts c = new Counts();
    try {
      for (Pod pod : client.pods().inAnyNamespace().withLabel(Keys.MANAGED_BY, Keys.MANAGER).list().getItems()) {
        String uid = label(pod, Keys.WORKLOAD_UID);
        if (uid != null && !liveWorkloadUids.contains(uid) && pod.getMetadata().getDeletionTimestamp() == null) {
          client.pods().resource(pod).delete();
          c.deleted++;
        }
      }
      return Result.of(Outcome.APPLIED, "", c);
    } catch (KubernetesClientException e) {
      return Result.of(Outcome.FAILED, failure("the Pods of deleted workloads", e), c);
    }
  }

  private static Map<String, String> selector(Workload workload) {
    return Map.of(Keys.WORKLOAD, Keys.labelValue(workload.getMetadata().getName()), Keys.MANAGED_BY, Keys.MANAGER);
  }

  private static String namespaceMissing(String namespace) {
    return "namespace " + namespace + " does not exist in the cluster the instances are placed in";
  }

  private static String failure(String what, KubernetesClientException e) {
    String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    return "could not update " + what + " (HTTP " + e.getCode() + "): " + detail;
  }

  private static String annotation(HasMetadata o, String key) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  private static String label(HasMetadata o, String key) {
    Map<String, String> l = o.getMetadata().getLabels();
    return l == null ? null : l.get(key);
  }

  private static boolean contains(Map<String, String> have, Map<String, String> want) {
    return have != null && have.entrySet().containsAll(want.entrySet());
  }

  private static Map<String, String> merged(Map<String, String> have, Map<String, String> want) {
    Map<String, String> m = new LinkedHashMap<>(have == null ? Map.of() : have);
    m.putAll(want);
    return m;
  }

  private static <T> List<T> nullIfEmpty(List<T> list) {
    return list == null || list.isEmpty() ? null : list;
  }

  /** A create answered 404: the namespace is gone. */
  private static final class NamespaceGone extends RuntimeException {
    NamespaceGone() {
      super(null, null, false, false);
    }
  }
}
