package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.Estate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The allocation loop's view of the cluster: informers on ResourcePools, Frameworks, Workloads (in
 * the watched namespaces), Nodes and Namespaces. Every change that can matter to allocation is
 * posted as a {@link Change}; changes that cannot (a Node's heartbeat, a Workload's own status
 * write) are dropped here, so 10,000 Nodes reporting every ten seconds cost the loop nothing.
 */
public final class EstateCache implements AutoCloseable {
  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final Consumer<Change> changes;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private SharedIndexInformer<ResourcePool> pools;
  private SharedIndexInformer<Framework> frameworks;
  private final List<SharedIndexInformer<Workload>> workloads = new ArrayList<>();
  private SharedIndexInformer<Node> nodes;
  private SharedIndexInformer<Namespace> namespaceInformer;
  private final List<SharedIndexInformer<io.fabric8.kubernetes.api.model.Pod>> podInformers = new ArrayList<>();
  /** Pods the operator made (here or in a remote cluster) that were deleted, oldest first, until the loop takes them. */
  private final java.util.concurrent.ConcurrentLinkedQueue<DeletedPod> deletedPods = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** A Pod the operator made that was deleted, and the cluster it was in: {@code cluster} null for this one. */
  public record DeletedPod(io.fabric8.kubernetes.api.model.Pod pod, RemoteClusters.Ref cluster) {}

  /**
   * @param namespaces the namespaces whose Workloads are watched; empty for all
   * @param changes told of every change, from the informers' threads
   */
  public EstateCache(KubernetesClient client, Set<String> namespaces, Consumer<Change> changes) {
    this(client, namespaces, changes, null);
  }

  /**
   * @param remotes the remote clusters pools may read Nodes from; null to read every pool's Nodes
   *     from this cluster (as {@code simulate} reads every Node it is given)
   */
  public EstateCache(KubernetesClient client, Set<String> namespaces, Consumer<Change> changes, RemoteClusters remotes) {
    this.client = client;
    this.namespaces = Set.copyOf(namespaces);
    this.changes = changes;
    this.remotes = remotes;
    if (remotes != null) {
      remotes.onPods(this::podEvents);
    }
  }

  private final RemoteClusters remotes;

  /** The remote clusters, or null when every pool reads this cluster's Nodes. */
  public RemoteClusters remotes() {
    return remotes;
  }

  /** Starts the informers and waits until each has listed what is there. */
  public void start(Duration timeout) {
    pools = inform(client.resources(ResourcePool.class).runnableInformer(0), Change.Kind.POOL, EstateCache::poolRelevant);
    frameworks = inform(client.resources(Framework.class).runnableInformer(0), Change.Kind.FRAMEWORK, EstateCache::specOrDeletion);
    if (namespaces.isEmpty()) {
      workloads.add(inform(client.resources(Workload.class).inAnyNamespace().runnableInformer(0), Change.Kind.WORKLOAD,
          EstateCache::workloadRelevant));
    } else {
      for (String ns : namespaces) {
        workloads.add(inform(client.resources(Workload.class).inNamespace(ns).runnableInformer(0), Change.Kind.WORKLOAD,
            EstateCache::workloadRelevant));
      }
    }
    nodes = inform(client.nodes().runnableInformer(0), Change.Kind.NODE, EstateCache::nodeRelevant);
    if (namespaces.isEmpty()) {
      podInformers.add(informPods(client.pods().inAnyNamespace().withLabel(
          io.poolbridge.materialize.Keys.MANAGED_BY, io.poolbridge.materialize.Keys.MANAGER).runnableInformer(0)));
    } else {
      for (String ns : namespaces) {
        podInformers.add(informPods(client.pods().inNamespace(ns).withLabel(
            io.poolbridge.materialize.Keys.MANAGED_BY, io.poolbridge.materialize.Keys.MANAGER).runnableInformer(0)));
      }
    }
    namespaceInformer = inform(client.namespaces().runnableInformer(0), Change.Kind.NAMESPACE,
        (a, b) -> !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels()));
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (SharedIndexInformer<?> i : informers) {
      started.add(i.start().toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the API server did not list the estate within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing the estate");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("could not list the estate: " + e.getCause().getMessage());
    }
  }

  private interface Relevant<T> {
    boolean changed(T before, T after);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer, Change.Kind kind, Relevant<T> relevant) {
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        changes.accept(Change.of(kind, obj));
      }

      @Override
      public void onUpdate(T before, T after) {
        if (relevant.changed(before, after)) {
          changes.accept(Change.of(kind, after));
        }
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        changes.accept(Change.of(kind, obj));
      }
    });
    informers.add(informer);
    return informer;
  }

  /**
   * The Pods the operator made: a change the loop reads (phase, readiness, a container's crash loop,
   * deletion) is posted under the Pod's Workload; a deleted Pod is queued for {@link #takeDeletedPods}.
   */
  private SharedIndexInformer<io.fabric8.kubernetes.api.model.Pod> informPods(
      SharedIndexInformer<io.fabric8.kubernetes.api.model.Pod> informer) {
    informer.addEventHandler(podEvents(null));
    informers.add(informer);
    return informer;
  }

  /**
   * What the Pods the operator made in {@code cluster} (null: this one) post: a change the loop reads
   * under the Pod's Workload, a deletion queued with the cluster it happened in.
   */
  private ResourceEventHandler<io.fabric8.kubernetes.api.model.Pod> podEvents(RemoteClusters.Ref cluster) {
    return new ResourceEventHandler<io.fabric8.kubernetes.api.model.Pod>() {
      @Override
      public void onAdd(io.fabric8.kubernetes.api.model.Pod pod) {
        post(pod);
      }

      @Override
      public void onUpdate(io.fabric8.kubernetes.api.model.Pod before, io.fabric8.kubernetes.api.model.Pod after) {
        if (!PodOutcomes.seen(before).equals(PodOutcomes.seen(after))) {
          post(after);
        }
      }

      @Override
      public void onDelete(io.fabric8.kubernetes.api.model.Pod pod, boolean deletedFinalStateUnknown) {
        deletedPods.add(new DeletedPod(pod, cluster));
        post(pod);
      }

      private void post(io.fabric8.kubernetes.api.model.Pod pod) {
        String key = PodOutcomes.workloadKey(pod);
        if (key != null) {
          changes.accept(new Change(Change.Kind.POD, key));
        }
      }
    };
  }

  /** The cluster the Pods of instances on {@code pool}'s Nodes are in: null for this one. */
  public RemoteClusters.Ref clusterOf(ResourcePool pool) {
    return remotes == null ? null : remotes.refOf(pool);
  }

  /**
   * Whether the Pods of instances on {@code pool}'s Nodes are known: always in this cluster; in a
   * remote one, once it was reached and its Pods listed.
   */
  public boolean podsWatched(ResourcePool pool) {
    RemoteClusters.Ref ref = clusterOf(pool);
    return ref == null || remotes.podsWatched(ref);
  }

  /**
   * The Pod {@code namespace/name} the operator made in the cluster of {@code pool}'s Nodes (this one,
   * or the remote cluster the pool reads), or null: none, or the cluster cannot be read.
   */
  public io.fabric8.kubernetes.api.model.Pod pod(ResourcePool pool, String namespace, String name) {
    RemoteClusters.Ref ref = clusterOf(pool);
    return ref == null ? pod(namespace, name) : remotes.pod(ref, namespace, name);
  }

  /** The Pod {@code namespace/name} the operator made in this cluster, or null. */
  public io.fabric8.kubernetes.api.model.Pod pod(String namespace, String name) {
    for (SharedIndexInformer<io.fabric8.kubernetes.api.model.Pod> i : podInformers) {
      io.fabric8.kubernetes.api.model.Pod p = i.getStore().getByKey(namespace + "/" + name);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /** The Pods deleted since the last call (in this cluster and the remote ones), oldest first. */
  public List<DeletedPod> takeDeletedPods() {
    List<DeletedPod> out = new ArrayList<>();
    for (DeletedPod p; (p = deletedPods.poll()) != null; ) {
      out.add(p);
    }
    return out;
  }

  private static boolean specOrDeletion(HasMetadata a, HasMetadata b) {
    return !Objects.equals(a.getMetadata().getGeneration(), b.getMetadata().getGeneration())
        || !Objects.equals(a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp())
        || !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels());
  }

  private static boolean poolRelevant(ResourcePool a, ResourcePool b) {
    return specOrDeletion(a, b);
  }

  /**
   * A Workload's own status write changes nothing the allocator reads; its spec or deletion does,
   * and its finalizers (the loop records a new Workload once the Workload controller adopted it).
   */
  private static boolean workloadRelevant(Workload a, Workload b) {
    return specOrDeletion(a, b) || !Objects.equals(a.getMetadata().getFinalizers(), b.getMetadata().getFinalizers())
        || !reported(a).equals(reported(b));
  }

  /**
   * The placed instances whose end an External framework reported in the status ({@code state}
   * {@code Succeeded} or {@code Failed} on an entry that still names its node): the operator's own
   * writes never make one, so a status write is relevant only when it changes these.
   */
  private static List<String> reported(Workload w) {
    if (w.getStatus() == null || w.getStatus().instances() == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus i : w.getStatus().instances()) {
      if (i.node() != null && (i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Succeeded
          || i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Failed)) {
        out.add(i.id() + "=" + i.state());
      }
    }
    return out;
  }

  /** What allocation reads of a Node: labels, allocatable, readiness, address; not its heartbeats. */
  private static boolean nodeRelevant(Node a, Node b) {
    return !Estate.kubernetesNode(a).equals(Estate.kubernetesNode(b))
        || !Objects.equals(a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp());
  }

  public Collection<ResourcePool> pools() {
    return pools.getStore().list();
  }

  public ResourcePool pool(String name) {
    return pools.getStore().getByKey(name);
  }

  public Collection<Framework> frameworks() {
    return frameworks.getStore().list();
  }

  public Framework framework(String name) {
    return frameworks.getStore().getByKey(name);
  }

  public List<Workload> workloads() {
    List<Workload> all = new ArrayList<>();
    workloads.forEach(i -> all.addAll(i.getStore().list()));
    return all;
  }

  /** The Workload {@code namespace/name}, or null. */
  public Workload workload(String key) {
    for (SharedIndexInformer<Workload> i : workloads) {
      Workload w = i.getStore().getByKey(key);
      if (w != null) {
        return w;
      }
    }
    return null;
  }

  public Collection<Node> nodes() {
    return nodes.getStore().list();
  }

  /** The labels of a namespace, or null when it does not exist. */
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace ns = namespaceInformer.getStore().getByKey(namespace);
    if (ns == null) {
      return null;
    }
    return ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
  }

  /** Every namespace's labels. */
  public Map<String, Map<String, String>> allNamespaceLabels() {
    Map<String, Map<String, String>> all = new java.util.HashMap<>();
    for (Namespace ns : namespaceInformer.getStore().list()) {
      all.put(ns.getMetadata().getName(), ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels());
    }
    return all;
  }

  /** Whether every informer still watches. */
  public boolean watching() {
    return informers.stream().allMatch(SharedIndexInformer::isWatching);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    if (remotes != null) {
      remotes.close();
    }
  }
}
