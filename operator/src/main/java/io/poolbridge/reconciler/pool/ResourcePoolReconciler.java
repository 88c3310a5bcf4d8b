package io.poolbridge.reconciler.pool;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.ResourcePoolStatus;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.materialize.Keys;
import io.poolbridge.materialize.Materializer;
import io.poolbridge.materialize.NodeTaints;
import io.poolbridge.operator.AllocationLoop;
import io.poolbridge.operator.EstateCache;
import io.poolbridge.operator.RemoteClusters;
import io.poolbridge.operator.SnapshotEvents;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A ResourcePool: the allocation loop follows its nodes; this reconciler writes its status from the
 * engine's view and keeps its Kubernetes Nodes marked: tainted {@code poolbridge.io/pool=<pool>:NoSchedule}
 * while in the pool (nothing else lands on pooled capacity), the taint swapped for {@code
 * poolbridge.io/leased-to=<framework>} with the label of that name while a NodeLease holds the
 * node, and both gone when the node leaves the pool. On deletion the pool is held while instances
 * still run on it (the loop drains it: nothing new lands, what runs is placed elsewhere), then its
 * Nodes are released.
 */
@ControllerConfiguration(name = "resourcepool")
public final class ResourcePoolReconciler implements Reconciler<ResourcePool>, Cleaner<ResourcePool> {
  static final long RECHECK_MS = 1_000;
  private final AllocationLoop loop;
  private final EstateCache cache;
  private final KubernetesClient local;
  private final SnapshotEvents events;
  private final ResourcePoolStatusFactory statuses;

  /** @param eventNamespace where the pool's Events go (a pool is cluster-scoped): the operator's namespace */
  public ResourcePoolReconciler(AllocationLoop loop, EstateCache cache, KubernetesClient local, SnapshotEvents events,
      Clock clock, String eventNamespace) {
    this.loop = loop;
    this.cache = cache;
    this.local = local;
    this.events = events;
    this.statuses = new ResourcePoolStatusFactory(clock);
    this.conditionEvents = new io.poolbridge.reconciler.ConditionEvents(local, clock, eventNamespace);
  }

  private final io.poolbridge.reconciler.ConditionEvents conditionEvents;

  @Override
  public List<EventSource<?, ResourcePool>> prepareEventSources(EventSourceContext<ResourcePool> context) {
    return List.of(events.pools());
  }

  @Override
  public UpdateControl<ResourcePool> reconcile(ResourcePool pool, Context<ResourcePool> context) {
    AllocationLoop.State state = loop.state();
    EngineSnapshot snapshot = state.snapshot();
    if (snapshot == null) {
      return UpdateControl.<ResourcePool>noUpdate().rescheduleAfter(RECHECK_MS);
    }
    String name = pool.getMetadata().getName();
    EngineSnapshot.PoolView view = snapshot.pools().get(name);
    markNodes(pool, view, false);
    ResourcePoolStatus status = statuses.of(pool, view, source(pool), state.poolNodes().getOrDefault(name, List.of()),
        pool.getStatus());
    if (Objects.equals(status, pool.getStatus())) {
      return UpdateControl.noUpdate();
    }
    conditionEvents.record(pool, pool.getStatus() == null ? null : pool.getStatus().conditions(), status.conditions(),
        java.util.Set.of("Degraded"));
    pool.setStatus(status);
    return UpdateControl.patchStatus(pool);
  }

  private PoolSource source(ResourcePool pool) {
    RemoteClusters remotes = cache.remotes();
    RemoteClusters.Ref ref = remotes == null ? null : remotes.refOf(pool);
    if (ref == null) {
      return PoolSource.REACHABLE;
    }
    RemoteClusters.Health health = remotes.health(ref);
    return health.reachable() ? PoolSource.REACHABLE : new PoolSource(false, health.reason(), health.message());
  }

  /** The Kubernetes Nodes a pool may have marked, with a client of their cluster; null when it cannot be reached. */
  private record Cluster(KubernetesClient client, Collection<Node> nodes) {}

  private Cluster cluster(ResourcePool pool) {
    if (pool.getSpec().source().kubernetes() == null) {
      return null;
    }
    RemoteClusters remotes = cache.remotes();
    RemoteClusters.Ref ref = remotes == null ? null : remotes.refOf(pool);
    if (ref == null) {
      return new Cluster(local, cache.nodes());
    }
    KubernetesClient client = remotes.client(ref);
    return client == null ? null : new Cluster(client, remotes.nodes(ref));
  }

  /** Marks the pool's Nodes (all released when {@code releaseAll}); the engine's view says which are leased. */
  private void markNodes(ResourcePool pool, EngineSnapshot.PoolView view, boolean releaseAll) {
    Cluster cluster = cluster(pool);
    if (cluster == null) {
      return;
    }
    String name = pool.getMetadata().getName();
    Map<String, EngineSnapshot.NodeView> members = new HashMap<>();
    if (view != null && !releaseAll) {
      view.agents().forEach(n -> members.put(n.node(), n));
    }
    Materializer materializer = new Materializer(cluster.client(), false);
    String mark = Keys.labelValue(name);
    for (Node node : cluster.nodes()) {
      EngineSnapshot.NodeView member = members.get(node.getMetadata().getName());
      UnaryOperator<Node> change;
      if (member != null && member.leasedTo() != null) {
        String lease = Keys.labelValue(member.leasedTo());
        if (hasTaint(node, Keys.LEASED_TO, lease) && !hasTaint(node, Keys.POOL, null) && lease.equals(label(node, Keys.LEASED_TO))) {
          continue;
        }
        change = n -> NodeTaints.lease(n, member.leasedTo());
      } else if (member != null) {
        if (hasTaint(node, Keys.POOL, mark) && !hasTaint(node, Keys.LEASED_TO, null) && label(node, Keys.LEASED_TO) == null) {
          continue;
        }
        change = n -> NodeTaints.unlease(n, name);
      } else if (hasTaint(node, Keys.POOL, mark) || (hasTaint(node, Keys.LEASED_TO, null) && wasOurs(node, name))) {
        change = n -> NodeTaints.release(NodeTaints.unlease(n, name));
      } else {
        continue;
      }
      // Checked above on the cached Node without copying it (10,000 Nodes are read on every pool
      // reconcile); the change itself reads the Node fresh and writes only a difference.
      materializer.node(node.getMetadata().getName(), change);
    }
  }

  private static String label(Node node, String key) {
    return node.getMetadata().getLabels() == null ? null : node.getMetadata().getLabels().get(key);
  }

  private static boolean hasTaint(Node node, String key, String value) {
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    return taints != null && taints.stream().anyMatch(t -> key.equals(t.getKey()) && (value == null || value.equals(t.getValue())));
  }

  /** A leased Node that left its pool while leased: released if it is ours (it is in no other pool's view). */
  private boolean wasOurs(Node node, String pool) {
    EngineSnapshot snapshot = loop.state().snapshot();
    return snapshot != null && snapshot.pools().values().stream()
        .noneMatch(p -> p.agents().stream().anyMatch(a -> a.node().equals(node.getMetadata().getName())));
  }

  @Override
  public DeleteControl cleanup(ResourcePool pool, Context<ResourcePool> context) {
    EngineSnapshot snapshot = loop.state().snapshot();
    if (snapshot == null) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK_MS);
    }
    EngineSnapshot.PoolView view = snapshot.pools().get(pool.getMetadata().getName());
    boolean drained = view == null || view.placed().isEmpty();
    if (!drained) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK_MS);
    }
    markNodes(pool, view, true);
    return DeleteControl.defaultDelete();
  }
}
