package io.poolbridge.reconciler.pool;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.operator.AllocationLoop;
import io.poolbridge.operator.SnapshotEvents;
import java.time.Clock;
import java.util.List;

/**
 * A ResourcePool: the allocation loop follows its nodes; this reconciler writes its status from the
 * engine's view and, on deletion, holds the pool while instances still run on it (the loop drains
 * it: nothing new lands, what runs is placed elsewhere).
 */
@ControllerConfiguration(name = "resourcepool")
public final class ResourcePoolReconciler implements Reconciler<ResourcePool>, Cleaner<ResourcePool> {
  static final long RECHECK_MS = 1_000;
  private final AllocationLoop loop;
  private final SnapshotEvents events;
  private final Clock clock;

  public ResourcePoolReconciler(AllocationLoop loop, SnapshotEvents events, Clock clock) {
    this.loop = loop;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ResourcePool>> prepareEventSources(EventSourceContext<ResourcePool> context) {
    return List.of(events.pools());
  }

  @Override
  public UpdateControl<ResourcePool> reconcile(ResourcePool pool, Context<ResourcePool> context) {
    return UpdateControl.noUpdate();
  }

  @Override
  public DeleteControl cleanup(ResourcePool pool, Context<ResourcePool> context) {
    EngineSnapshot snapshot = loop.state().snapshot();
    if (snapshot == null) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK_MS);
    }
    EngineSnapshot.PoolView view = snapshot.pools().get(pool.getMetadata().getName());
    boolean drained = view == null || view.placed().isEmpty();
    return drained ? DeleteControl.defaultDelete() : DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK_MS);
  }
}
