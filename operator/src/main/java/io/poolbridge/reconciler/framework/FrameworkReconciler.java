package io.poolbridge.reconciler.framework;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.fabric8.kubernetes.api.model.Condition;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.FrameworkStatus;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.operator.AllocationLoop;
import io.poolbridge.operator.EstateCache;
import io.poolbridge.operator.SnapshotEvents;
import io.poolbridge.reconciler.StatusConditions;
import io.poolbridge.estate.Workloads;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Framework: the allocation loop follows its spec (role, weight, quota, offer settings); this
 * reconciler writes its status from the engine's view, and holds its deletion while Workloads use
 * it, with a {@code Deleting} condition naming them.
 */
@ControllerConfiguration(name = "framework")
public final class FrameworkReconciler implements Reconciler<Framework>, Cleaner<Framework> {
  static final long RECHECK_MS = 5_000;
  private final AllocationLoop loop;
  private final EstateCache cache;
  private final SnapshotEvents events;
  private final FrameworkStatusFactory statuses;
  private final StatusConditions conditions;

  /** @param eventNamespace where the framework's Events go (a Framework is cluster-scoped): the operator's namespace */
  public FrameworkReconciler(AllocationLoop loop, EstateCache cache, SnapshotEvents events, Clock clock,
      io.fabric8.kubernetes.client.KubernetesClient client, String eventNamespace) {
    this.loop = loop;
    this.cache = cache;
    this.events = events;
    this.statuses = new FrameworkStatusFactory(clock);
    this.conditions = new StatusConditions(clock);
    this.conditionEvents = new io.poolbridge.reconciler.ConditionEvents(client, clock, eventNamespace);
  }

  private final io.poolbridge.reconciler.ConditionEvents conditionEvents;

  @Override
  public List<EventSource<?, Framework>> prepareEventSources(EventSourceContext<Framework> context) {
    return List.of(events.frameworks());
  }

  @Override
  public UpdateControl<Framework> reconcile(Framework framework, Context<Framework> context) {
    EngineSnapshot snapshot = loop.state().snapshot();
    if (snapshot == null) {
      return UpdateControl.<Framework>noUpdate().rescheduleAfter(1_000);
    }
    EngineSnapshot.FrameworkView view = snapshot.frameworks().get(framework.getMetadata().getName());
    if (view == null) {
      return UpdateControl.noUpdate();
    }
    FrameworkStatus status = statuses.of(framework, view, framework.getStatus());
    if (Objects.equals(status, framework.getStatus())) {
      return UpdateControl.noUpdate();
    }
    conditionEvents.record(framework, framework.getStatus() == null ? null : framework.getStatus().conditions(),
        status.conditions(), java.util.Set.of("Deleting"));
    framework.setStatus(status);
    return UpdateControl.patchStatus(framework);
  }

  @Override
  public DeleteControl cleanup(Framework framework, Context<Framework> context) {
    String name = framework.getMetadata().getName();
    List<String> users = new ArrayList<>();
    for (Workload w : cache.workloads()) {
      if (name.equals(w.getSpec().framework()) && w.getMetadata().getDeletionTimestamp() == null) {
        users.add(Workloads.key(w));
      }
    }
    if (users.isEmpty()) {
      return DeleteControl.defaultDelete();
    }
    users.sort(null);
    String named = String.join(", ", users.subList(0, Math.min(10, users.size())))
        + (users.size() > 10 ? " and " + (users.size() - 10) + " more" : "");
    FrameworkStatus previous = framework.getStatus();
    List<Condition> list = new ArrayList<>();
    if (previous != null && previous.conditions() != null) {
      previous.conditions().stream().filter(c -> !"Deleting".equals(c.getType())).forEach(list::add);
    }
    list.add(conditions.condition(previous == null ? null : previous.conditions(), framework.getMetadata().getGeneration(),
        "Deleting", true, "WorkloadsRemain", "Deletion waits for " + users.size() + " Workload(s) using this framework: " + named));
    FrameworkStatus held = previous == null
        ? new FrameworkStatus(framework.getMetadata().getGeneration(), list, null, null, null, null, null, null)
        : new FrameworkStatus(previous.observedGeneration(), list, previous.allocated(), previous.dominantShare(),
            previous.weightedShare(), previous.guaranteeMet(), previous.pendingInstances(), previous.outstandingOffers());
    if (!Objects.equals(held, previous)) {
      framework.setStatus(held);
      context.getClient().resource(framework).patchStatus();
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK_MS);
  }
}
